import { afterEach, describe, expect, it, vi } from 'vitest';
import { readRosterInWorker } from './importRoster';
import { readRoster, describeRosterFailure } from './readRoster';
import type { RosterRequest, RosterWorkerMessage } from './rosterWorkerProtocol';
import { codeOf } from './testing';
import type { RosterProgress } from './types';

/** Stands in for the module worker: runs the worker's code in-process, or does whatever a test needs. */
class FakeWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  received: RosterRequest | null = null;
  constructor(private readonly behave: (worker: FakeWorker, request: RosterRequest) => void) {}
  postMessage(request: RosterRequest) {
    this.received = request;
    this.behave(this, request);
  }
  send(message: unknown) {
    if (!this.terminated) this.onmessage?.({ data: message } as MessageEvent);
  }
  terminate() {
    this.terminated = true;
  }
}

/** Runs the real worker logic (readRoster) behind the fake. */
const inProcess = (worker: FakeWorker, request: RosterRequest) => {
  const post = (message: RosterWorkerMessage) => worker.send(message);
  readRoster(request, (progress) => post({ id: request.id, type: 'progress', progress })).then(
    (preview) => post({ id: request.id, type: 'done', preview }),
    (error: unknown) => post({ id: request.id, type: 'error', error: describeRosterFailure(error) }),
  );
};

const csvFile = (text: string, name = 'roster.csv') => new File([text], name, { type: 'text/csv' });

afterEach(() => {
  vi.useRealTimers();
});

describe('readRosterInWorker', () => {
  it('returns the checked preview, reports progress and ends the worker', async () => {
    let worker: FakeWorker | undefined;
    const stages: RosterProgress[] = [];
    const preview = await readRosterInWorker(
      csvFile('Roll,Name,Phone\n1,Asha,9812345678\n2,Ravi,\n'),
      { defaultCountry: 'IN', existingRollNos: new Set(['2']), createWorker: () => (worker = new FakeWorker(inProcess)) as unknown as Worker },
      (progress) => stages.push(progress),
    );
    expect(preview.validCount).toBe(1);
    expect(preview.rows[1].errors).toEqual(["Line 3: roll no '2' is already in this class."]);
    expect(stages).toEqual([{ stage: 'reading' }, { stage: 'parsing' }, { stage: 'validating', rows: 4 }, { stage: 'done', rows: 2 }]);
    expect(worker?.received).toMatchObject({ name: 'roster.csv', defaultCountry: 'IN', existingRollNos: ['2'] });
    expect(worker?.terminated).toBe(true);
  });

  it('passes typed errors from the worker through', async () => {
    const xls = new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])], 'old.xls');
    const createWorker = () => new FakeWorker(inProcess) as unknown as Worker;
    expect(await codeOf(readRosterInWorker(xls, { defaultCountry: 'IN', createWorker }))).toBe('legacy-xls');
  });

  it('terminates a stuck worker after the time limit', async () => {
    vi.useFakeTimers();
    let worker: FakeWorker | undefined;
    const pending = readRosterInWorker(csvFile('Roll,Name\n1,A\n'), {
      defaultCountry: 'IN',
      timeoutMs: 30_000,
      createWorker: () => (worker = new FakeWorker(() => {})) as unknown as Worker,
    });
    const outcome = codeOf(pending);
    await vi.waitFor(() => expect(worker?.received).not.toBeNull());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await outcome).toBe('timeout');
    await expect(pending).rejects.toThrow("Reading 'roster.csv' took longer than 30 seconds and was stopped.");
    expect(worker?.terminated).toBe(true);
  });

  it('fails cleanly when the worker crashes or answers nonsense', async () => {
    const crash = (worker: FakeWorker) => worker.onerror?.({ preventDefault() {}, message: 'boom' } as ErrorEvent);
    expect(await codeOf(readRosterInWorker(csvFile('x'), { defaultCountry: 'IN', createWorker: () => new FakeWorker(crash) as unknown as Worker }))).toBe('worker-failed');

    const nonsense = (worker: FakeWorker, request: RosterRequest) => worker.send({ id: request.id, type: 'done', preview: { rows: [{ line: 'x' }] } });
    expect(await codeOf(readRosterInWorker(csvFile('x'), { defaultCountry: 'IN', createWorker: () => new FakeWorker(nonsense) as unknown as Worker }))).toBe('invalid-result');

    const unknownCode = (worker: FakeWorker, request: RosterRequest) => worker.send({ id: request.id, type: 'error', error: { code: 'rm -rf', message: 42 } });
    expect(await codeOf(readRosterInWorker(csvFile('x'), { defaultCountry: 'IN', createWorker: () => new FakeWorker(unknownCode) as unknown as Worker }))).toBe('worker-failed');
  });

  it('turns away a file that is too large before reading it', async () => {
    const createWorker = vi.fn();
    const big = { name: 'video.mp4', size: 2 * 1024 ** 3, arrayBuffer: vi.fn() } as unknown as File;
    expect(await codeOf(readRosterInWorker(big, { defaultCountry: 'IN', createWorker }))).toBe('too-large');
    expect(big.arrayBuffer).not.toHaveBeenCalled();
    expect(createWorker).not.toHaveBeenCalled();
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    let worker: FakeWorker | undefined;
    const pending = readRosterInWorker(csvFile('Roll,Name\n'), {
      defaultCountry: 'IN',
      signal: controller.signal,
      createWorker: () => (worker = new FakeWorker(() => controller.abort(new Error('closed')))) as unknown as Worker,
    });
    await expect(pending).rejects.toThrow('closed');
    expect(worker?.terminated).toBe(true);
  });
});
