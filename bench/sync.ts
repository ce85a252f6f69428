/**
 * Sync cost: attendance marks made offline on one device (sessions of 7B's
 * five students), synced by `syncIfPossible` against the local stack on
 * loopback (PGlite + the sync function under Deno, started in-process as
 * the tests start it), beside a naive client that sends one request per
 * change, measured in the same run. Then the fault-injection property of
 * src/sync/faultInjection.test.ts with many schedules. Writes
 * bench/results/sync.{json,md}.
 *
 *   npx tsx bench/sync.ts
 *
 * Environment:
 *   SYNC_BENCH_MARKS   marks made offline for syncIfPossible (10000)
 *   SYNC_NAIVE_MARKS   marks the naive client sends, one request each (1000);
 *                      its figures are scaled to SYNC_BENCH_MARKS
 *   SYNC_SCHEDULES     fault-injection schedules (2000; 0 skips them)
 */
import 'fake-indexeddb/auto';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createRollcallClient } from '../src/api/supabase';
import { RollcallDb } from '../src/db/db';
import { createSession, saveMarks } from '../src/db/sessions';
import type { FunctionsClient } from '../src/api/callFunction';
import { callSync, type SyncRequestBody, type SyncResponse } from '../src/sync/callSync';
import { PULL_CURSOR_KEY, PULL_PAGE_SIZE } from '../src/sync/pullChanges';
import { PUSH_BATCH_SIZE } from '../src/sync/pushOutbox';
import { syncIfPossible, type SyncSummary } from '../src/sync/syncIfPossible';
import { CLASSES, STUDENTS } from '../supabase/local/seed-ids';
import { REPO_ROOT, startStack, type Stack } from '../scripts/backend/stack';

const RESULTS = resolve(import.meta.dirname, 'results');
const ROSTER = [STUDENTS.aarav, STUDENTS.bela, STUDENTS.chen, STUDENTS.dina, STUDENTS.emil];
const MARKS = roundToRoster(Number(process.env.SYNC_BENCH_MARKS ?? 10_000));
const NAIVE_MARKS = Math.min(MARKS, roundToRoster(Number(process.env.SYNC_NAIVE_MARKS ?? 1_000)));
const SCHEDULES = Number(process.env.SYNC_SCHEDULES ?? 2_000);

function roundToRoster(n: number): number {
  return Math.max(ROSTER.length, Math.round(n / ROSTER.length) * ROSTER.length);
}

/** Node 20 has no WebSocket for supabase-js to find; sync opens no realtime channel. */
class NoRealtime {
  constructor() {
    throw new Error('realtime is not used');
  }
}

interface Traffic {
  requests: number;
  /** JSON request bodies, without HTTP headers. */
  sentBytes: number;
  /** JSON response bodies. */
  receivedBytes: number;
  /** Time spent waiting for answers (the server's share), split by what was asked. */
  pushMs: number;
  pullMs: number;
}

function counted(real: FunctionsClient): { client: FunctionsClient; traffic: Traffic } {
  const traffic: Traffic = { requests: 0, sentBytes: 0, receivedBytes: 0, pushMs: 0, pullMs: 0 };
  const client: FunctionsClient = {
    functions: {
      invoke: async (name, options) => {
        traffic.requests += 1;
        traffic.sentBytes += Buffer.byteLength(JSON.stringify(options.body));
        const t = performance.now();
        const answer = await real.functions.invoke(name, options);
        traffic[(options.body as SyncRequestBody).push?.length ? 'pushMs' : 'pullMs'] += performance.now() - t;
        traffic.receivedBytes += Buffer.byteLength(JSON.stringify(answer.data ?? null));
        return answer;
      },
    },
  };
  return { client, traffic };
}

/** Where the school's changes stand now: a device that synced yesterday starts here. */
async function currentCursor(client: FunctionsClient): Promise<string | null> {
  let cursor: string | null = null;
  for (;;) {
    const page: SyncResponse = await callSync(client, { pullSince: cursor, limit: 1000 });
    cursor = page.cursor ?? cursor;
    if (!page.hasMore) return cursor;
  }
}

/** `marks` marks in sessions of 7B, made through the app's db functions (so the outbox fills as in the app). */
async function markOffline(db: RollcallDb, marks: number, day0: number): Promise<string[]> {
  const sessions: string[] = [];
  for (let i = 0; i < marks / ROSTER.length; i++) {
    const startsAt = new Date(Date.UTC(2028, 0, 1, 8) + (day0 + i) * 3_600_000);
    const s = await createSession(db, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'bench' }, startsAt);
    const at = new Date(startsAt.getTime() + 60_000).toISOString();
    await saveMarks(
      db,
      s.id,
      ROSTER.map((studentId, k) => ({ studentId, status: 'present' as const, source: 'auto' as const, confidence: 0.8 + k / 100, markedAt: at })),
      'bench',
      startsAt,
    );
    sessions.push(s.id);
  }
  return sessions;
}

async function marksOnServer(stack: Stack, sessions: string[]): Promise<number> {
  return stack.db.run!(async (pg) => {
    const { rows } = await pg.query<{ n: number }>('select count(*)::int as n from public.attendance_marks where session_id = any($1::uuid[])', [sessions]);
    return rows[0]!.n;
  });
}

function runFaultInjection(schedules: number): Promise<{ seconds: number; exitCode: number | null; report: Record<string, unknown> | null; tail: string }> {
  const reportPath = join(os.tmpdir(), `sync-faults-${process.pid}.json`);
  const started = performance.now();
  const child = spawn('npx', ['vitest', 'run', 'src/sync/faultInjection.test.ts', '-t', 'converges'], {
    cwd: REPO_ROOT,
    env: { ...process.env, SYNC_SCHEDULES: String(schedules), SYNC_REPORT: reportPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolveRun) => {
    child.on('close', async (exitCode) => {
      const seconds = (performance.now() - started) / 1000;
      const report = await readFile(reportPath, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => null);
      await rm(reportPath, { force: true });
      resolveRun({ seconds, exitCode, report, tail: output.split('\n').slice(-40).join('\n') });
    });
  });
}

const fmtS = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);
const fmtBytes = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} kB`);
const ratio = (a: number, b: number) => (b === 0 ? '–' : `${(a / b).toFixed(1)}×`);

async function main() {
  const started = performance.now();
  await mkdir(RESULTS, { recursive: true });
  const stack = await startStack({ onLog: () => {}, functionsEnv: { SYNC_RATE_LIMIT_PER_MINUTE: '100000000' } });
  let ours: { ms: number; traffic: Traffic; summary: SyncSummary; onServer: number; outboxLeft: number; createMs: number; mutations: number };
  let naive: { ms: number; traffic: Traffic; marks: number; mutations: number; onServer: number };
  try {
    const real = createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime }) as FunctionsClient;
    const cursor = await currentCursor(real);

    // syncIfPossible: one device, everything made offline, then one sync.
    const device = new RollcallDb(`bench-sync-${crypto.randomUUID()}`);
    await device.syncState.put({ key: PULL_CURSOR_KEY, value: cursor });
    let t = performance.now();
    const sessions = await markOffline(device, MARKS, 0);
    const createMs = performance.now() - t;
    const mutations = await device.outbox.count();
    console.log(`made ${MARKS} marks in ${sessions.length} sessions offline (${mutations} outbox rows) in ${fmtS(createMs)}`);
    const a = counted(real);
    t = performance.now();
    const summary = await syncIfPossible(device, a.client, { retries: 0 });
    const ms = performance.now() - t;
    ours = { ms, traffic: a.traffic, summary, onServer: await marksOnServer(stack, sessions), outboxLeft: await device.outbox.count(), createMs, mutations };
    console.log(`syncIfPossible: ${fmtS(ms)} (waiting for push answers ${fmtS(a.traffic.pushMs)}, pull answers ${fmtS(a.traffic.pullMs)}), ${a.traffic.requests} requests, ${fmtBytes(a.traffic.sentBytes)} sent, ${fmtBytes(a.traffic.receivedBytes)} received`, summary);
    await device.delete();

    // Naive: every change in its own request, in order, upload only.
    const peer = new RollcallDb(`bench-naive-${crypto.randomUUID()}`);
    const naiveSessions = await markOffline(peer, NAIVE_MARKS, MARKS);
    const rows = await peer.outbox.orderBy('seq').toArray();
    const b = counted(real);
    t = performance.now();
    for (const m of rows) {
      const answer = await callSync(b.client, { push: [{ clientId: m.clientId, table: m.table, op: m.op, row: m.row, clientUpdatedAt: m.clientUpdatedAt }] });
      if (answer.results?.[0]?.status !== 'applied') throw new Error(`naive push not applied: ${JSON.stringify(answer.results)}`);
      await peer.outbox.delete(m.seq!);
    }
    naive = { ms: performance.now() - t, traffic: b.traffic, marks: NAIVE_MARKS, mutations: rows.length, onServer: await marksOnServer(stack, naiveSessions) };
    console.log(`naive: ${NAIVE_MARKS} marks, ${rows.length} requests in ${fmtS(naive.ms)}`);
    await peer.delete();
  } finally {
    await stack.stop();
  }
  if (ours.onServer !== MARKS || ours.outboxLeft !== 0) throw new Error(`syncIfPossible left ${ours.onServer} of ${MARKS} marks on the server, ${ours.outboxLeft} in the outbox`);
  if (naive.onServer !== NAIVE_MARKS) throw new Error(`the naive client left ${naive.onServer} of ${NAIVE_MARKS} marks on the server`);

  const scale = MARKS / naive.marks;
  const naiveScaled = {
    ms: naive.ms * scale,
    requests: naive.traffic.requests * scale,
    sentBytes: naive.traffic.sentBytes * scale,
    receivedBytes: naive.traffic.receivedBytes * scale,
  };

  let faults: Awaited<ReturnType<typeof runFaultInjection>> | null = null;
  if (SCHEDULES > 0) {
    console.log(`fault injection: ${SCHEDULES} schedules…`);
    faults = await runFaultInjection(SCHEDULES);
    console.log(`fault injection: exit ${faults.exitCode} in ${faults.seconds.toFixed(0)} s`);
    if (faults.exitCode !== 0) console.log(faults.tail);
  }

  const machine = {
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const result = {
    date: new Date().toISOString(),
    machine,
    marks: MARKS,
    sessions: MARKS / ROSTER.length,
    targets: { syncUnderMs: 5000, fewerRequestsThanNaive: 20 },
    syncIfPossible: {
      ms: Math.round(ours.ms),
      requests: ours.traffic.requests,
      sentBytes: ours.traffic.sentBytes,
      receivedBytes: ours.traffic.receivedBytes,
      outboxRows: ours.mutations,
      pushed: ours.summary.pushed,
      pulled: ours.summary.pulled,
      makingOfflineMs: Math.round(ours.createMs),
      waitingForPushMs: Math.round(ours.traffic.pushMs),
      waitingForPullMs: Math.round(ours.traffic.pullMs),
    },
    naive: {
      measuredMarks: naive.marks,
      measuredRequests: naive.traffic.requests,
      measuredMs: Math.round(naive.ms),
      measuredSentBytes: naive.traffic.sentBytes,
      measuredReceivedBytes: naive.traffic.receivedBytes,
      scaledTo: MARKS,
      ms: Math.round(naiveScaled.ms),
      requests: Math.round(naiveScaled.requests),
      sentBytes: Math.round(naiveScaled.sentBytes),
      receivedBytes: Math.round(naiveScaled.receivedBytes),
    },
    ratios: {
      time: Number((naiveScaled.ms / ours.ms).toFixed(2)),
      requests: Number((naiveScaled.requests / ours.traffic.requests).toFixed(2)),
      sentBytes: Number((naiveScaled.sentBytes / ours.traffic.sentBytes).toFixed(2)),
    },
    met: { time: ours.ms < 5000, requests: naiveScaled.requests / ours.traffic.requests >= 20 },
    faultInjection: faults && { schedules: SCHEDULES, passed: faults.exitCode === 0, seconds: Math.round(faults.seconds), counts: faults.report },
    wholeRunSeconds: Math.round((performance.now() - started) / 1000),
  };
  await writeFile(join(RESULTS, 'sync.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFile(join(RESULTS, 'sync.md'), markdown(result));
  console.log(markdown(result));
}

function markdown(r: {
  date: string;
  machine: { cpu: string; memoryGb: number; node: string; platform: string; loadAverage: number[] };
  marks: number;
  sessions: number;
  syncIfPossible: { ms: number; requests: number; sentBytes: number; receivedBytes: number; outboxRows: number; pushed: { applied: number }; pulled: { rows: number; pages: number }; makingOfflineMs: number; waitingForPushMs: number; waitingForPullMs: number };
  naive: { measuredMarks: number; measuredRequests: number; measuredMs: number; ms: number; requests: number; sentBytes: number; receivedBytes: number };
  ratios: { time: number; requests: number; sentBytes: number };
  met: { time: boolean; requests: boolean };
  faultInjection: { schedules: number; passed: boolean; seconds: number; counts: Record<string, unknown> | null } | null;
  wholeRunSeconds: number;
}): string {
  const o = r.syncIfPossible;
  const n = r.naive;
  const lines = [
    '# Sync benchmark',
    '',
    `${r.date} · ${r.machine.cpu} · ${r.machine.memoryGb} GB · Node ${r.machine.node} · ${r.machine.platform} · load ${r.machine.loadAverage.join(' ')} · whole run ${r.wholeRunSeconds} s`,
    '',
    `${r.marks.toLocaleString('en')} automatic marks in ${r.sessions.toLocaleString('en')} sessions (7B's five students each), made offline on one device through the app's db functions (${o.outboxRows.toLocaleString('en')} outbox rows, written in ${fmtS(o.makingOfflineMs)}), then one \`syncIfPossible\` against the local stack on loopback: PGlite over TCP and the \`sync\` function under Deno, started in-process. It pushes the outbox in batches of ${PUSH_BATCH_SIZE} and pulls every row back in pages of ${PULL_PAGE_SIZE} (the device's cursor starts where the school was before the run). The naive peer sends each outbox row in its own request and pulls nothing; it was measured on ${n.measuredMarks.toLocaleString('en')} marks (${n.measuredRequests.toLocaleString('en')} requests in ${fmtS(n.measuredMs)}) in the same run and scaled linearly to ${r.marks.toLocaleString('en')}. Bytes are JSON bodies, without HTTP headers.`,
    '',
    '| | time | requests | sent | received |',
    '|---|---:|---:|---:|---:|',
    `| \`syncIfPossible\` | ${fmtS(o.ms)} | ${o.requests} | ${fmtBytes(o.sentBytes)} | ${fmtBytes(o.receivedBytes)} |`,
    `| naive, one request per change (scaled) | ${fmtS(n.ms)} | ${n.requests.toLocaleString('en')} | ${fmtBytes(n.sentBytes)} | ${fmtBytes(n.receivedBytes)} |`,
    `| naive ÷ ours | ${r.ratios.time}× | ${r.ratios.requests}× | ${r.ratios.sentBytes}× | |`,
    '',
    `Pushed ${o.pushed.applied.toLocaleString('en')} changes, pulled ${o.pulled.rows.toLocaleString('en')} rows in ${o.pulled.pages} pages. Of the ${fmtS(o.ms)}, ${fmtS(o.waitingForPushMs)} waited for push answers and ${fmtS(o.waitingForPullMs)} for pull answers (the server, on PGlite in this same process); the rest is the device's IndexedDB work, here fake-indexeddb in Node.`,
    `Targets: under 5 s — ${r.met.time ? 'met' : `missed (${fmtS(o.ms)})`}; at least 20× fewer requests than naive — ${r.met.requests ? 'met' : 'missed'} (${ratio(n.requests, o.requests)}).`,
    '',
  ];
  if (r.faultInjection) {
    const f = r.faultInjection;
    lines.push(
      '## Fault injection',
      '',
      `src/sync/faultInjection.test.ts with SYNC_SCHEDULES=${f.schedules}: ${f.passed ? 'passed' : 'FAILED'} in ${f.seconds} s. Its two properties run ${f.schedules} schedules each: one of sightings, manual marks and Finish on clocks within minutes, judged by the merge rules exactly; one adding clears by hand, rejected faces, re-marks, reviewers' corrections on the server and clocks from two days behind to two days ahead, judged by convergence (every phone holds the server's register, one mark per student, nothing left unsent, no time past the server's clock, a student's last manual change on a trusted clock stands). The counts below are over both.`,
      '',
      f.counts ? '```json\n' + JSON.stringify(f.counts) + '\n```' : '(no counts were written)',
      '',
    );
  }
  return lines.join('\n');
}

await main();
