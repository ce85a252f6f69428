/**
 * The whole local backend in one call: database, edge functions, Twilio
 * recorder, and the keys to talk to them. `npm run backend` and the
 * function tests both start it through here.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDatabase, type LocalDatabase } from './database';
import { demoUsers, type DemoRole, type DemoUser } from './demoUsers';
import { startFunctions, type FunctionsServer } from './functions';
import { anonKey, LOCAL_JWT_ISSUER, LOCAL_JWT_SECRET, serviceRoleKey, userToken } from './jwt';
import { startTwilioRecorder, type TwilioRecorder } from './twilioRecorder';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUPABASE_DIR = join(REPO_ROOT, 'supabase');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'rollcall-backend');

export interface StackOptions {
  /** Ports; 0 (the default) picks free ones. */
  ports?: { db?: number; functions?: number; twilio?: number };
  /** Keep the PGlite database here; in memory when absent. */
  dataDir?: string;
  /** Use this Postgres instead of PGlite (its schema is used as it is). */
  databaseUrl?: string;
  jwtSecret?: string;
  /** Call notify's send-due this often, as a project's scheduled job would (off when unset). */
  sendDueEveryMs?: number;
  /** Extra environment for the functions (limits, Twilio settings). */
  functionsEnv?: Record<string, string>;
  /** Where the functions' and the recorder's lines go; stdout by default. */
  onLog?: (line: string) => void;
}

export interface DemoUserWithToken extends DemoUser {
  token: string;
}

export interface Stack {
  /** Base URL for supabase-js: functions answer at `${url}/functions/v1/<name>`. */
  url: string;
  functionsUrl: string;
  dbUrl: string;
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Tokens for the seed's people (scripts/backend/demoUsers.ts). */
  users: Record<DemoRole, DemoUserWithToken>;
  twilio: TwilioRecorder;
  db: LocalDatabase;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const jwtSecret = options.jwtSecret ?? LOCAL_JWT_SECRET;
  const onLog = options.onLog ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };

  try {
    const db = await startDatabase({ dataDir: options.dataDir, port: options.ports?.db, databaseUrl: options.databaseUrl });
    stops.push(() => db.stop());

    const twilio = await startTwilioRecorder({ port: options.ports?.twilio, print: onLog });
    stops.push(() => twilio.stop());

    const functions: FunctionsServer = await startFunctions({
      supabaseDir: SUPABASE_DIR,
      port: options.ports?.functions,
      onLog,
      env: {
        SUPABASE_DB_URL: db.url,
        SUPABASE_JWT_SECRET: jwtSecret,
        JWT_ISSUER: LOCAL_JWT_ISSUER,
        SUPABASE_ANON_KEY: anonKey(jwtSecret),
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey(jwtSecret),
        TWILIO_API_BASE: twilio.url,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: '+15005550006',
        ...options.functionsEnv,
      },
    });
    stops.push(() => functions.stop());

    // Stands in for the pg_cron job a project schedules (supabase/README.md): send what is due.
    if (options.sendDueEveryMs) {
      const key = serviceRoleKey(jwtSecret);
      const timer = setInterval(() => {
        fetch(`${functions.url}/functions/v1/notify`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ action: 'send-due' }),
        })
          .then((res) => res.body?.cancel())
          .catch(() => {});
      }, options.sendDueEveryMs);
      stops.push(async () => clearInterval(timer));
    }

    const users = {} as Record<DemoRole, DemoUserWithToken>;
    for (const [role, user] of Object.entries(demoUsers()) as [DemoRole, DemoUser][]) {
      const token = userToken({ sub: user.id, email: user.email, aal: user.aal, claims: { app_memberships: user.appMemberships }, secret: jwtSecret });
      users[role] = { ...user, token };
    }

    const url = functions.url;
    return {
      url,
      functionsUrl: `${url}/functions/v1`,
      dbUrl: db.url,
      jwtSecret,
      anonKey: anonKey(jwtSecret),
      serviceRoleKey: serviceRoleKey(jwtSecret),
      users,
      twilio,
      db,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
