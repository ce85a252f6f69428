/**
 * Admins use a second factor: the database grants admin powers only to a
 * session at Supabase Auth's assurance level aal2 (a password or a one-time
 * code, then a TOTP code). This says what the app asks of a signed-in person
 * before the School page: nothing, the code from their authenticator app, or
 * setting one up first.
 */
export type Assurance = 'aal1' | 'aal2';
export type SecondStep = 'none' | 'code' | 'setup';

export function secondStep(roles: readonly string[], assurance: Assurance, hasVerifiedFactor: boolean): SecondStep {
  if (!roles.includes('admin') || assurance === 'aal2') return 'none';
  return hasVerifiedFactor ? 'code' : 'setup';
}

/** A setup key as authenticator apps show it: groups of four. */
export function groupedKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
