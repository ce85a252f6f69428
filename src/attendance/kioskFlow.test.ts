import { describe, expect, it } from 'vitest';
import type { Point } from '@/ml/types';
import { KIOSK_RULES, stepKiosk, WAITING, type KioskFace, type KioskState } from './kioskFlow';

/** A frontal 68-point face (see ml/liveness/challenge.test.ts); `closed` shuts the lids, `turn` turns the head. */
function landmarks(closed = 0, turn = 0): Point[] {
  const p: Point[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    p.push({ x: 300 - 100 * Math.cos(a), y: 280 + 110 * Math.sin(a) * (i === 0 || i === 16 ? 0.2 : 1) });
  }
  const inner = turn * 45;
  for (let i = 0; i < 10; i++) p.push({ x: 220 + i * 17.7 + inner, y: 230 });
  for (let i = 0; i < 4; i++) p.push({ x: 300 + inner * 1.3, y: 250 + i * 18 });
  for (let i = 0; i < 5; i++) p.push({ x: 280 + i * 10 + inner, y: 310 });
  const gap = 12 * (1 - closed);
  for (const ex of [255, 345]) {
    const x = ex + inner;
    p.push({ x: x - 18, y: 260 }, { x: x - 6, y: 260 - gap / 2 }, { x: x + 6, y: 260 - gap / 2 }, { x: x + 18, y: 260 }, { x: x + 6, y: 260 + gap / 2 }, { x: x - 6, y: 260 + gap / 2 });
  }
  for (let i = 0; i < 20; i++) {
    const a = (2 * Math.PI * i) / 20;
    p.push({ x: 300 + inner + 30 * Math.cos(a), y: 345 + 10 * Math.sin(a) });
  }
  return p;
}

const face = (studentId: string | null, opts: { closed?: number; turn?: number; liveness?: number | null; x?: number; width?: number } = {}): KioskFace => ({
  box: { x: opts.x ?? 200, y: 170, width: opts.width ?? 200, height: 220 },
  landmarks: landmarks(opts.closed, opts.turn),
  studentId,
  confidence: studentId ? 0.95 : 0.2,
  liveness: opts.liveness === undefined ? 0.8 : opts.liveness,
});

/** Runs frames 250 ms apart through the kiosk flow; `random` 0 plans blink then turn-left... */
function run(frames: KioskFace[][], random = () => 0.0, start: KioskState = WAITING): KioskState {
  return frames.reduce<KioskState>((s, faces, i) => stepKiosk(s, { at: i * 250, width: 640, faces }, random), start);
}

/** The frames that do each challenge. */
const does = {
  blink: [[face('ana')], [face('ana', { closed: 0.9 })], [face('ana')]],
  'turn-left': [[face('ana', { turn: 0.9 })], [face('ana', { turn: 1 })], [face('ana')]],
  'turn-right': [[face('ana', { turn: -0.9 })], [face('ana', { turn: -1 })], [face('ana')]],
};
const planOf = (s: KioskState) => (s.kind === 'challenge' ? s.challenge.plan : []);

describe('stepKiosk', () => {
  it('asks for one person and for them to come closer', () => {
    expect(run([[face('ana'), face('ben', { x: 0 })]])).toMatchObject({ kind: 'waiting', message: 'One person at a time, please' });
    expect(run([[face('ana', { width: 40 })]])).toMatchObject({ kind: 'waiting', message: 'Come closer to the camera' });
    expect(run([[]])).toBe(WAITING);
  });

  it('recognises a student over a few frames, then challenges them in a random order', () => {
    const started = run([[face('ana')], [face(null)], [face('ana')], [face('ana')]]);
    expect(started.kind).toBe('challenge');
    expect(planOf(started)).toHaveLength(2);
    expect(planOf(run([[face('ana')], [face('ana')], [face('ana')]], () => 0.99))).not.toEqual(planOf(started));
  });

  it('checks in a live student who does what is asked, with the median liveness', () => {
    for (const random of [() => 0, () => 0.5, () => 0.99]) {
      let s = run([[face('ana')], [face('ana')], [face('ana')]], random);
      for (const kind of planOf(s)) s = run(does[kind], random, s);
      expect(s).toEqual({ kind: 'passed', studentId: 'ana', liveness: 0.8 });
    }
  });

  it('turns a still photo away when it runs out of time', () => {
    const still = Array.from({ length: 60 }, () => [face('ana')]);
    expect(run(still)).toEqual({ kind: 'failed', studentId: 'ana', reason: 'timeout' });
  });

  it('turns away a face the passive models call a photo, even when it does the challenge', () => {
    const fake = (f: KioskFace[]) => f.map((x) => ({ ...x, liveness: 0.05 }));
    let s = run([[face('ana')], [face('ana')], [face('ana')]].map(fake));
    for (const kind of planOf(s)) s = run(does[kind].map(fake), () => 0, s);
    expect(s).toMatchObject({ kind: 'failed', reason: 'looks-like-photo' });
  });

  it('says when it does not know the person', () => {
    expect(run(Array.from({ length: KIOSK_RULES.unknownFrames }, () => [face(null)]))).toEqual({ kind: 'failed', studentId: null, reason: 'not-recognised' });
  });

  it('stops when the face doing the challenge is recognised as someone else', () => {
    const s = run([[face('ana')], [face('ana')], [face('ana')], [face('ben')], [face('ben')], [face('ben')]]);
    expect(s).toMatchObject({ kind: 'failed', reason: 'someone-else' });
  });
});
