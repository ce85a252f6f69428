/**
 * callSync through the app's own supabase-js client, against a small HTTP
 * server that answers as the sync function does with a clock of our choosing:
 * the phone's offset is read from the Date header, or from serverTime when
 * no header can be read, and on refusals too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollcallClient } from '@/api/supabase';
import { callSync, onServerClock } from './callSync';
import type { ClockReading } from './clockOffset';
import { SyncRefusedError } from './syncErrors';
import { NoRealtime } from '@/api/noRealtime';

const DAY = 86_400_000;
/** What the next request is answered with. */
let answer: { status: number; date: string | null; body: Record<string, unknown> };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.sendDate = answer.date !== null;
      if (answer.date) res.setHeader('Date', answer.date);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function offsetOf(run: () => Promise<unknown>): Promise<ClockReading | undefined> {
  const readings: ClockReading[] = [];
  const stop = onServerClock((r) => readings.push(r));
  try {
    await run().catch((err) => err);
  } finally {
    stop();
  }
  return readings.at(-1);
}

const client = () => createRollcallClient({ url, anonKey: 'anon' }, { accessToken: 'token', realtimeTransport: NoRealtime });

describe('callSync and the server clock', () => {
  it("hears a server two days behind the phone from the answer's Date header", async () => {
    answer = { status: 200, date: new Date(Date.now() - 2 * DAY).toUTCString(), body: { results: [] } };
    const reading = await offsetOf(() => callSync(client(), { pullSince: null }));
    expect(reading!.offsetMs / DAY).toBeCloseTo(2, 3);
    expect(Math.abs(Date.parse(reading!.measuredAt) - Date.now())).toBeLessThan(5_000);
  });

  it("uses the body's serverTime when there is no Date header to read", async () => {
    answer = { status: 200, date: null, body: { results: [], serverTime: new Date(Date.now() + 3 * 3_600_000).toISOString() } };
    const reading = await offsetOf(() => callSync(client(), { pullSince: null }));
    expect(reading!.offsetMs / 3_600_000).toBeCloseTo(-3, 2);
  });

  it('measures on a refusal too, and still throws it', async () => {
    answer = { status: 400, date: new Date(Date.now() - 10 * 60_000).toUTCString(), body: { error: 'bad_request', message: 'limit: too big' } };
    let thrown: unknown;
    const reading = await offsetOf(() => callSync(client(), { limit: 99999 }).catch((err) => (thrown = err)));
    expect(thrown).toBeInstanceOf(SyncRefusedError);
    expect(Math.round(reading!.offsetMs / 60_000)).toBe(10);
  });

  it('says nothing when the answer carries no time', async () => {
    answer = { status: 200, date: null, body: { results: [] } };
    expect(await offsetOf(() => callSync(client(), { pullSince: null }))).toBeUndefined();
  });
});
