/**
 * The fixed ids of supabase/seed.sql, for tests and local tools that sign
 * tokens for the demo people. Keep in step with seed.sql (a test checks).
 */

export const SCHOOLS = {
  demo: '10000000-0000-4000-8000-000000000001',
  northside: '10000000-0000-4000-8000-000000000002',
} as const;

export type SeedRole = 'admin' | 'teacher' | 'student' | 'parent';

export interface SeedUser {
  id: string;
  email: string;
  fullName: string;
  school: keyof typeof SCHOOLS;
  role: SeedRole;
}

/** Every demo account; the password of all of them is DEMO_PASSWORD. */
export const USERS = {
  asha: { id: '20000000-0000-4000-8000-000000000001', email: 'asha@demo.rollcall.example', fullName: 'Asha Menon', school: 'demo', role: 'admin' },
  tomas: { id: '20000000-0000-4000-8000-000000000002', email: 'tomas@demo.rollcall.example', fullName: 'Tomas Silva', school: 'demo', role: 'teacher' },
  priya: { id: '20000000-0000-4000-8000-000000000003', email: 'priya@demo.rollcall.example', fullName: 'Priya Raman', school: 'demo', role: 'teacher' },
  aarav: { id: '20000000-0000-4000-8000-000000000004', email: 'aarav@demo.rollcall.example', fullName: 'Aarav Shah', school: 'demo', role: 'student' },
  pat: { id: '20000000-0000-4000-8000-000000000005', email: 'pat@demo.rollcall.example', fullName: 'Pat Shah', school: 'demo', role: 'parent' },
  rosa: { id: '20000000-0000-4000-8000-000000000006', email: 'rosa@demo.rollcall.example', fullName: 'Rosa Nasser', school: 'demo', role: 'parent' },
  xavier: { id: '20000000-0000-4000-8000-000000000011', email: 'xavier@northside.rollcall.example', fullName: 'Xavier Dupont', school: 'northside', role: 'admin' },
  nadia: { id: '20000000-0000-4000-8000-000000000012', email: 'nadia@northside.rollcall.example', fullName: 'Nadia Berg', school: 'northside', role: 'teacher' },
  zoe: { id: '20000000-0000-4000-8000-000000000013', email: 'zoe@northside.rollcall.example', fullName: 'Zoe Martin', school: 'northside', role: 'student' },
} as const satisfies Record<string, SeedUser>;

export const DEMO_PASSWORD = 'rollcall-demo';

/**
 * The demo school's admin signs in with a second factor, as every admin
 * must: this TOTP secret is enrolled for Asha in seed.sql (an authenticator
 * app takes it as a setup key). Northside's admin has none yet, and is asked
 * to set one up.
 */
export const DEMO_ADMIN_TOTP = { factorId: '2f000000-0000-4000-8000-000000000001', secret: 'TNBAURRKPMX56UM36DZMTKPEB7WWFOLV' } as const;

export const CLASSES = {
  '7B': '30000000-0000-4000-8000-000000000001',
  '8A': '30000000-0000-4000-8000-000000000002',
  '9C': '30000000-0000-4000-8000-000000000011',
} as const;

export const STUDENTS = {
  aarav: '40000000-0000-4000-8000-000000000001',
  bela: '40000000-0000-4000-8000-000000000002',
  chen: '40000000-0000-4000-8000-000000000003',
  dina: '40000000-0000-4000-8000-000000000004',
  emil: '40000000-0000-4000-8000-000000000005',
  farah: '40000000-0000-4000-8000-000000000006',
  gus: '40000000-0000-4000-8000-000000000007',
  hana: '40000000-0000-4000-8000-000000000008',
  ivan: '40000000-0000-4000-8000-000000000009',
  zoe: '40000000-0000-4000-8000-000000000011',
  yusuf: '40000000-0000-4000-8000-000000000012',
} as const;

export const GUARDIANS = {
  pat: '50000000-0000-4000-8000-000000000001',
  rosa: '50000000-0000-4000-8000-000000000002',
  marta: '50000000-0000-4000-8000-000000000003',
  leo: '50000000-0000-4000-8000-000000000011',
} as const;

export const SESSIONS = {
  /** 7B, Friday, finalised. */
  finalised7B: '60000000-0000-4000-8000-000000000001',
  /** 7B, Monday, open; Aarav has no mark yet. */
  open7B: '60000000-0000-4000-8000-000000000002',
  /** 8A, Monday, open; Hana and Ivan have no mark yet. */
  open8A: '60000000-0000-4000-8000-000000000003',
  /** Northside 9C, open; Yusuf has no mark yet. */
  open9C: '60000000-0000-4000-8000-000000000011',
} as const;

export const MARKS = {
  /** Aarav, late, in the finalised 7B session (disputed). */
  aaravFinalised7B: '70000000-0000-4000-8000-000000000001',
  belaFinalised7B: '70000000-0000-4000-8000-000000000002',
  belaOpen7B: '70000000-0000-4000-8000-000000000006',
  farahOpen8A: '70000000-0000-4000-8000-000000000011',
  zoeOpen9C: '70000000-0000-4000-8000-000000000021',
} as const;

export const RECOGNITION_EVENTS = {
  aarav7B: '80000000-0000-4000-8000-000000000001',
  farah8A: '80000000-0000-4000-8000-000000000011',
  zoe9C: '80000000-0000-4000-8000-000000000021',
} as const;

export const DISPUTES = {
  aarav: '90000000-0000-4000-8000-000000000001',
  zoe: '90000000-0000-4000-8000-000000000011',
} as const;

export const MODEL_ARTIFACTS = {
  '7B': 'a0000000-0000-4000-8000-000000000001',
  '8A': 'a0000000-0000-4000-8000-000000000002',
  '9C': 'a0000000-0000-4000-8000-000000000011',
} as const;

export const NOTIFICATIONS = {
  aaravToPat: 'b0000000-0000-4000-8000-000000000001',
  farahToRosa: 'b0000000-0000-4000-8000-000000000002',
  zoeToLeo: 'b0000000-0000-4000-8000-000000000011',
} as const;

export const CONSENTS = {
  aaravByPat: 'c0000000-0000-4000-8000-000000000001',
  farahByRosa: 'c0000000-0000-4000-8000-000000000002',
  zoeOnPaper: 'c0000000-0000-4000-8000-000000000011',
} as const;

export const EXCUSE_REQUESTS = {
  /** Pat about Aarav's late mark in 7B's finalised session, pending. */
  aaravByPat: 'f0000000-0000-4000-8000-000000000001',
  /** Rosa about Farah's mark in 8A's open session, pending. */
  farahByRosa: 'f0000000-0000-4000-8000-000000000002',
  /** Leo about Zoe's mark at Northside, pending. */
  zoeByLeo: 'f0000000-0000-4000-8000-000000000011',
} as const;

export const AUDIT_ENTRIES = {
  demo: 'd0000000-0000-4000-8000-000000000001',
  northside: 'd0000000-0000-4000-8000-000000000011',
} as const;
