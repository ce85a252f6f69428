/**
 * npm run backend — the school backend on this machine, like `supabase start`:
 * Postgres (PGlite over TCP, or DATABASE_URL), the edge functions under
 * Deno, and a Twilio recorder. Prints where everything is and the keys to
 * use, then runs until Ctrl-C.
 *
 *   npm run backend                 in-memory database, default ports
 *   npm run backend -- --persist    keep data in node_modules/.cache/rollcall-backend
 *   npm run backend -- --data-dir D keep data in D
 *   DATABASE_URL=postgres://… npm run backend   use that Postgres as it is
 *   --db-port N --functions-port N --twilio-port N   (0 = any free port)
 */
import { parseArgs } from 'node:util';
import { LOCAL_JWT_ISSUER } from './backend/jwt';
import { DenoMissingError } from './backend/deno';
import { DEFAULT_DATA_DIR, startStack, type Stack } from './backend/stack';

const { values } = parseArgs({
  options: {
    persist: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'db-port': { type: 'string', default: '54322' },
    'functions-port': { type: 'string', default: '54321' },
    'twilio-port': { type: 'string', default: '54329' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run backend [-- --persist | --data-dir DIR] [--db-port N] [--functions-port N] [--twilio-port N]');
  process.exit(0);
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag}: not a port: ${value}`);
  return n;
}

function printSummary(stack: Stack, dataDir: string | undefined): void {
  const lines = [
    '',
    'Rollcall backend is running.',
    '',
    `         API URL: ${stack.url}`,
    `   Functions URL: ${stack.functionsUrl}  (sync, model-artifacts, notify, roles, reviews, privacy)`,
    `          DB URL: ${stack.dbUrl}${stack.db.kind === 'pglite' ? `  (PGlite, ${dataDir ? `data in ${dataDir}` : 'in memory'})` : ''}`,
    `      JWT secret: ${stack.jwtSecret}`,
    `      JWT issuer: ${LOCAL_JWT_ISSUER}  (the functions accept user tokens of this issuer only)`,
    `        anon key: ${stack.anonKey}`,
    `service_role key: ${stack.serviceRoleKey}`,
    `    Twilio (fake): ${stack.twilio.url}  account ${stack.twilio.accountSid}`,
  ];
  if (stack.db.applied.length > 0) lines.push('', `Applied: ${stack.db.applied.join(', ')}`);
  else if (stack.db.kind === 'pglite') lines.push('', 'Schema: up to date (nothing new since the last run).');
  lines.push('', 'Demo users from seed.sql (access tokens valid 24 h; send as Authorization: Bearer <token>):');
  for (const u of Object.values(stack.users)) lines.push(`  ${u.role.padEnd(7)} ${u.fullName} <${u.email}>  ${u.id}`, `          ${u.token}`);
  lines.push(
    '',
    "Try (the teacher's view of their class):",
    `  curl -s ${stack.functionsUrl}/sync -H "Authorization: Bearer ${stack.users.teacher.token}" -H 'Content-Type: application/json' -d '{"pullSince":null}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  );
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : (values['data-dir'] ?? (values.persist ? DEFAULT_DATA_DIR : undefined));
  const stack = await startStack({
    databaseUrl,
    dataDir,
    sendDueEveryMs: 5_000,
    ports: {
      db: port(values['db-port']!, '--db-port'),
      functions: port(values['functions-port']!, '--functions-port'),
      twilio: port(values['twilio-port']!, '--twilio-port'),
    },
  });
  printSummary(stack, dataDir);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof DenoMissingError ? err.message : err);
  process.exit(1);
});
