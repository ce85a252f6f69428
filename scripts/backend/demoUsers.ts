/**
 * The seeded people the local stack prints tokens for: for each role, the
 * first account of supabase/local/seed-ids.ts (the demo school's), with
 * the `app_memberships` claim the access token hook would add; the admin's
 * token is aal2, as if they had entered their second factor.
 */
import { SCHOOLS, USERS, type SeedRole } from '../../supabase/local/seed-ids';

export const DEMO_ROLES = ['admin', 'teacher', 'student', 'parent'] as const satisfies readonly SeedRole[];
export type DemoRole = (typeof DEMO_ROLES)[number];

export interface DemoUser {
  role: DemoRole;
  id: string;
  email: string;
  fullName: string;
  /** School id → roles, as in tokens from Supabase Auth with the hook on. */
  appMemberships: Record<string, string[]>;
  /** How their demo session signed in: the admin with a second factor (aal2), as admin power requires; the others with a password (aal1). */
  aal: 'aal1' | 'aal2';
}

export function demoUsers(): Record<DemoRole, DemoUser> {
  const all = Object.values(USERS);
  const pick = (role: DemoRole): DemoUser => {
    const user = all.find((u) => u.role === role);
    if (!user) throw new Error(`seed-ids.ts has no ${role}`);
    const appMemberships: Record<string, string[]> = {};
    for (const u of all.filter((x) => x.id === user.id)) (appMemberships[SCHOOLS[u.school]] ??= []).push(u.role);
    return { role, id: user.id, email: user.email, fullName: user.fullName, appMemberships, aal: role === 'admin' ? 'aal2' : 'aal1' };
  };
  return { admin: pick('admin'), teacher: pick('teacher'), student: pick('student'), parent: pick('parent') };
}
