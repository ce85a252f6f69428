import { describe, expect, it } from 'vitest';
import { createMlClient, MlError, type ClassModelSource } from './client';
import type { WorkerMessage, WorkerRequest } from './protocol';

/** A worker that answers like ml.worker.ts, holding one class model, and records what it was sent. */
function fakeWorker() {
  const sent: WorkerRequest[] = [];
  const sentAt: number[] = [];
  /** What each checkBackends request answers, in turn. */
  const checks: unknown[] = [];
  let held: string | null = null;
  const workers: { crash(): void }[] = [];
  const create = () => {
    const w = {
      onmessage: null as ((e: MessageEvent<WorkerMessage>) => void) | null,
      onerror: null as ((e: ErrorEvent) => void) | null,
      terminate() {},
      postMessage(req: WorkerRequest) {
        sent.push(req);
        sentAt.push(Date.now());
        const answer = (msg: WorkerMessage) => queueMicrotask(() => w.onmessage?.({ data: msg } as MessageEvent<WorkerMessage>));
        if (req.type === 'loadClassModel') held = req.version;
        if (req.type === 'identify' && req.version !== held) {
          answer({ type: 'result', id: req.id, ok: false, error: { code: 'class-model-not-loaded', message: 'not loaded' } });
          return;
        }
        const value = req.type === 'checkBackends' ? checks.shift() : req.type === 'loadClassModel' ? { version: req.version, modelId: `m-${req.version}` } : req.type === 'identify' ? { faces: [], recognitions: [], modelId: `m-${held}` } : {};
        answer({ type: 'result', id: req.id, ok: true, value } as WorkerMessage);
      },
    };
    workers.push({
      crash: () => {
        held = null;
        w.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
      },
    });
    return w as unknown as Worker;
  };
  return { sent, sentAt, checks, create, workers, replaceHeld: (v: string) => (held = v) };
}

function source(version: string) {
  const reads: string[] = [];
  const s: ClassModelSource = { version, load: async () => (reads.push(version), new Uint8Array([1, 2, 3])) };
  return { s, reads };
}

const photo = () => new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' });
const kinds = (sent: WorkerRequest[]) => sent.map((r) => (r.type === 'loadClassModel' ? `load ${r.version}` : r.type === 'identify' ? `identify ${r.version}` : r.type));

describe('the ML client and the class model', () => {
  it('reads and sends a class model once per version, and a retrained or other class model replaces it', async () => {
    const worker = fakeWorker();
    const client = createMlClient({ modelsUrl: 'http://x/models/', detectors: ['ssd'], createWorker: worker.create });
    const v1 = source('v1');
    await client.identify(photo(), { model: v1.s, roster: ['a', 'b'], liveness: true });
    await client.identify(photo(), { model: v1.s, analyze: { detector: 'tiny' } });
    expect(v1.reads).toEqual(['v1']);
    const v2 = source('v2');
    await client.identify(photo(), { model: v2.s });
    expect(kinds(worker.sent)).toEqual(['init', 'load v1', 'identify v1', 'identify v1', 'load v2', 'identify v2']);
    const first = worker.sent[2]!;
    expect(first).toMatchObject({ type: 'identify', roster: ['a', 'b'], liveness: true });
    expect(first).not.toHaveProperty('model');
  });

  it('loads the model again into a worker that restarted, or when the worker holds another', async () => {
    const worker = fakeWorker();
    const client = createMlClient({ modelsUrl: 'http://x/models/', detectors: ['ssd'], createWorker: worker.create });
    const v1 = source('v1');
    await client.identify(photo(), { model: v1.s });
    worker.workers[0]!.crash();
    await client.identify(photo(), { model: v1.s });
    expect(v1.reads).toEqual(['v1', 'v1']);

    worker.replaceHeld('other');
    await client.identify(photo(), { model: v1.s });
    expect(v1.reads).toEqual(['v1', 'v1', 'v1']);
    expect(kinds(worker.sent).slice(-3)).toEqual(['identify v1', 'load v1', 'identify v1']);
  });

  it('a model that cannot be read is tried again on the next call', async () => {
    const worker = fakeWorker();
    const client = createMlClient({ modelsUrl: 'http://x/models/', detectors: ['ssd'], createWorker: worker.create });
    let fail = true;
    const flaky: ClassModelSource = { version: 'v1', load: async () => (fail ? Promise.reject(new MlError('internal', 'locked')) : new Uint8Array([1])) };
    await expect(client.identify(photo(), { model: flaky })).rejects.toThrow('locked');
    fail = false;
    await expect(client.identify(photo(), { model: flaky })).resolves.toMatchObject({ modelId: 'm-v1' });
  });

  it('passes analyze and train options by name', async () => {
    const worker = fakeWorker();
    const client = createMlClient({ modelsUrl: 'http://x/models/', detectors: ['ssd'], createWorker: worker.create });
    await client.analyze(photo(), { analyze: { embed: true }, augment: true });
    await client.train([{ label: 'a', descriptor: [1] }], { negatives: [{ label: 'a', descriptor: [2] }] });
    expect(worker.sent[1]).toMatchObject({ type: 'analyze', options: { embed: true }, augment: true, liveness: false });
    expect(worker.sent[2]).toMatchObject({ type: 'train', negatives: [{ label: 'a' }], extraSamples: [] });
  });
});

describe('the background backend check', () => {
  it('is sent only after the engine has been quiet, and sent again when it gave way to a call', async () => {
    const worker = fakeWorker();
    worker.checks.push({ done: false, info: { backend: 'wasm', check: 'pending' } }, { done: true, info: { backend: 'webgl', check: 'done' } });
    const client = createMlClient({ modelsUrl: 'http://x/models/', detectors: ['ssd'], createWorker: worker.create });
    const checked = client.checkBackendsWhenIdle({ quietMs: 40 });
    await client.analyze(photo());
    const answeredAt = Date.now();
    const result = await checked;
    expect(result.info).toMatchObject({ backend: 'webgl', check: 'done' });
    expect(kinds(worker.sent)).toEqual(['init', 'analyze', 'checkBackends', 'checkBackends']);
    const [first, second] = [worker.sentAt[2]!, worker.sentAt[3]!];
    expect(first - answeredAt).toBeGreaterThanOrEqual(35);
    expect(second - first).toBeGreaterThanOrEqual(35);
  });
});
