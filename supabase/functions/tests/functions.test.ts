/**
 * The edge functions, end to end, as part of `npm test`: starts the local
 * stack (PGlite with the migrations and seed, the functions under Deno, the
 * Twilio recorder) on free ports, type-checks and lints the functions, runs
 * the Deno tests in tests/deno/ against the stack, and calls sync the way
 * the app does, through supabase-js.
 */
import { join } from 'node:path';
import { NoRealtime } from '../../../src/api/noRealtime';
import { createRollcallClient } from '../../../src/api/supabase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeno, runDeno } from '../../../scripts/backend/deno';
import { LOCAL_JWT_ISSUER } from '../../../scripts/backend/jwt';
import { SUPABASE_DIR, startStack, type Stack } from '../../../scripts/backend/stack';
import { DEMO_PASSWORD, SCHOOLS } from '../../local/seed-ids';

const FUNCTIONS_DIR = join(SUPABASE_DIR, 'functions');
const CONFIG = join(FUNCTIONS_DIR, 'deno.json');

/** "ok | 24 passed | 0 failed (3s)" → 24; null when there is no such line. */
export function passedCount(output: string): number | null {
  const match = /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/m.exec(output);
  return match ? Number(match[1]) : null;
}

describe('edge functions', () => {
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    // Fails here, loudly, when Deno is not installed: these tests are not optional.
    findDeno();
    stack = await startStack({ onLog: (line) => logs.push(line) });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('type-check and lint with Deno', async () => {
    const check = await runDeno(['check', '--config', CONFIG, '.'], { cwd: FUNCTIONS_DIR });
    expect(check.code, check.stderr).toBe(0);
    const lint = await runDeno(['lint', '--config', CONFIG], { cwd: FUNCTIONS_DIR });
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  });

  it('pass the Deno tests against the running stack', async () => {
    const run = await runDeno(['test', '--allow-net', '--allow-env', '--allow-read', '--config', CONFIG, 'tests/deno/'], {
      cwd: FUNCTIONS_DIR,
      env: {
        FUNCTIONS_URL: stack.functionsUrl,
        SUPABASE_DB_URL: stack.dbUrl,
        SUPABASE_JWT_SECRET: stack.jwtSecret,
        JWT_ISSUER: LOCAL_JWT_ISSUER,
        SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
        TWILIO_API_BASE: stack.twilio.url,
        TWILIO_ACCOUNT_SID: stack.twilio.accountSid,
        TWILIO_AUTH_TOKEN: stack.twilio.authToken,
      },
      timeoutMs: 90_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.code, `${output}\n--- function logs ---\n${logs.slice(-40).join('\n')}`).toBe(0);
    // A run that found no tests also exits 0.
    expect(passedCount(output), output).toBeGreaterThanOrEqual(75);
  });

  it('sync a session through supabase-js as the teacher, read it back as the parent, and list the class models', async () => {
    const { teacher, parent } = stack.users;
    expect(teacher.email).toBe('tomas@demo.rollcall.example');
    expect(parent.email).toBe('pat@demo.rollcall.example');
    // The app's own client module, typed with the generated database types.
    const as = (token: string) => createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: token, realtimeTransport: NoRealtime });

    const sessionId = crypto.randomUUID();
    const markId = crypto.randomUUID();
    const now = new Date().toISOString();
    const body = {
      push: [
        {
          clientId: crypto.randomUUID(),
          table: 'sessions',
          op: 'upsert',
          row: { id: sessionId, class_id: '30000000-0000-4000-8000-000000000001', starts_at: now, mode: 'live', device: 'vitest' },
          clientUpdatedAt: now,
        },
        {
          clientId: crypto.randomUUID(),
          table: 'attendance_marks',
          op: 'upsert',
          row: { id: markId, session_id: sessionId, student_id: '40000000-0000-4000-8000-000000000001', status: 'late', source: 'auto', confidence: 0.87, marked_at: now, device: 'vitest' },
          clientUpdatedAt: now,
        },
      ],
    };
    const pushed = await as(teacher.token).functions.invoke('sync', { body });
    expect(pushed.error).toBeNull();
    expect(pushed.data.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);

    const pulled = await as(parent.token).functions.invoke('sync', { body: { pullSince: null, limit: 1000 } });
    expect(pulled.error).toBeNull();
    const mark = pulled.data.changes.attendance_marks.find((m: { id: string }) => m.id === markId);
    expect(mark).toMatchObject({ session_id: sessionId, status: 'late', source: 'auto', confidence: 0.87 });

    const models = await as(teacher.token).functions.invoke('model-artifacts', { body: { action: 'list', classId: '30000000-0000-4000-8000-000000000001' } });
    expect(models.error).toBeNull();
    expect(models.data.artifacts.some((a: { status: string }) => a.status === 'active')).toBe(true);

    const refused = await createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { realtimeTransport: NoRealtime }).functions.invoke('sync', { body: { pullSince: null } });
    expect(refused.error?.name).toBe('FunctionsHttpError');
    expect((refused.error as { context: Response }).context.status).toBe(401);
  });

  it('stand in for Twilio: record an SMS, then fail when told to', async () => {
    const { twilio } = stack;
    twilio.reset(); // the Deno tests sent their own messages through it
    const send = () =>
      fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
        method: 'POST',
        headers: { Authorization: 'Basic ' + Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64'), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+919812344567', From: '+15005550006', Body: 'Aarav was marked absent today.' }),
      });
    const ok = await send();
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ status: 'queued', to: '+919812344567' });
    expect(logs).toContain('[twilio] SMS to +91******4567: Aarav was marked absent today.');

    twilio.failNext(1, 500);
    expect((await send()).status).toBe(500);
    expect((await send()).status).toBe(201);
    expect(twilio.messages).toHaveLength(2);
  });

  it('sign people in the way Supabase Auth does: password, refresh, a one-time code by SMS, sign-out', async () => {
    const memory = new Map<string, string>();
    const storage = { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => void memory.set(k, v), removeItem: (k: string) => void memory.delete(k) };
    const client = () => createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { sessionStorage: storage, realtimeTransport: NoRealtime });
    const teacherApp = client();

    const wrong = await teacherApp.auth.signInWithPassword({ email: 'tomas@demo.rollcall.example', password: 'not-it' });
    expect(wrong.error?.message).toBe('Invalid login credentials');
    expect(wrong.data.session).toBeNull();

    const signedIn = await teacherApp.auth.signInWithPassword({ email: 'tomas@demo.rollcall.example', password: DEMO_PASSWORD });
    expect(signedIn.error).toBeNull();
    const claims = JSON.parse(Buffer.from(signedIn.data.session!.access_token.split('.')[1], 'base64url').toString());
    // The project's access token hook ran: the teacher's school and role are in the token.
    expect(claims).toMatchObject({ sub: stack.users.teacher.id, role: 'authenticated', app_memberships: { [SCHOOLS.demo]: ['teacher'] } });
    // functions.invoke sends the session's token by itself.
    const pulled = await teacherApp.functions.invoke('sync', { body: { pullSince: null, limit: 10 } });
    expect(pulled.error).toBeNull();

    const first = signedIn.data.session!;
    const refreshed = await teacherApp.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session!.refresh_token).not.toBe(first.refresh_token);
    // A refresh token works once (rotation).
    const reused = await client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(reused.error?.message).toMatch(/Refresh Token Not Found/);

    stack.twilio.reset();
    const parentApp = createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { sessionStorage: { ...storage }, realtimeTransport: NoRealtime });
    expect((await parentApp.auth.signInWithOtp({ phone: '+447700900101' })).error).toBeNull();
    const sms = stack.twilio.messages.at(-1);
    expect(sms?.to).toBe('+447700900101');
    const code = /(\d{6})/.exec(sms!.body)![1];
    expect((await parentApp.auth.verifyOtp({ phone: '+447700900101', token: '000000', type: 'sms' })).error).not.toBeNull();
    const verified = await parentApp.auth.verifyOtp({ phone: '+447700900101', token: code, type: 'sms' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.id).toBe(stack.users.parent.id);
    expect((await parentApp.auth.signInWithOtp({ phone: '+447700900999' })).error).not.toBeNull();

    expect((await teacherApp.auth.signOut()).error).toBeNull();
    expect((await teacherApp.auth.getSession()).data.session).toBeNull();
  });
});
