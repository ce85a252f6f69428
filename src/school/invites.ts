/** Whom an admin invites, and the address as the roles function takes it. */

export type InviteRole = 'teacher' | 'parent' | 'student' | 'admin';

export interface InviteInput {
  role: InviteRole;
  /** An e-mail address or a phone number in international form (+44…). */
  address: string;
  classIds: string[];
  studentIds: string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address as the roles function takes it: `{ email }` or `{ phone }`, or the problem with it. */
export function inviteAddress(address: string): { email: string } | { phone: string } | { problem: string } {
  const a = address.trim();
  if (!a) return { problem: 'Enter their e-mail address or mobile number.' };
  if (a.includes('@')) return EMAIL.test(a) ? { email: a } : { problem: `"${a}" is not an e-mail address.` };
  const phone = a.replace(/[\s().-]/g, '');
  return E164.test(phone) ? { phone } : { problem: 'Write the mobile number with its country code, like +44 7700 900123.' };
}
