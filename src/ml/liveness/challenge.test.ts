import { describe, expect, it } from 'vitest';
import type { Box, Point } from '../types';
import {
  advanceChallenge,
  CHALLENGE_KINDS,
  currentChallenge,
  eyeOpenness,
  faceCues,
  planChallenge,
  runChallenge,
  startChallenge,
  type ChallengeFrame,
  type ChallengeKind,
} from './challenge';

/**
 * A frontal 68-point face drawn from the iBUG layout's proportions, 200 px
 * wide: enough for the ratios the challenge reads. `closed` (0..1) brings the
 * lids together; `turn` (-1..1) slides the nose and the inner face towards
 * one jaw edge, as a turned head does in the picture.
 */
function face(opts: { closed?: number; turn?: number; dx?: number; sy?: number; sx?: number } = {}): Point[] {
  const { closed = 0, turn = 0, dx = 0, sy = 1, sx = 1 } = opts;
  const p: Point[] = [];
  const cx = 300;
  const cy = 300;
  // Jaw 0..16 along a U.
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    p.push({ x: cx - 100 * Math.cos(a), y: cy - 20 + 110 * Math.sin(a) * (i === 0 || i === 16 ? 0.2 : 1) });
  }
  const inner = turn * 45;
  // Brows 17..26.
  for (let i = 0; i < 10; i++) p.push({ x: cx - 80 + i * 17.7 + inner, y: cy - 70 });
  // Nose 27..35 (30 is the tip).
  for (let i = 0; i < 4; i++) p.push({ x: cx + inner * 1.3, y: cy - 50 + i * 18 });
  for (let i = 0; i < 5; i++) p.push({ x: cx - 20 + i * 10 + inner, y: cy + 10 });
  // Eyes 36..47: corner, two upper lid points, corner, two lower lid points.
  const gap = 12 * (1 - closed);
  for (const ex of [cx - 45, cx + 45]) {
    const x = ex + inner;
    p.push({ x: x - 18, y: cy - 40 }, { x: x - 6, y: cy - 40 - gap / 2 }, { x: x + 6, y: cy - 40 - gap / 2 }, { x: x + 18, y: cy - 40 }, { x: x + 6, y: cy - 40 + gap / 2 }, { x: x - 6, y: cy - 40 + gap / 2 });
  }
  // Mouth 48..67 around (cx, cy + 45).
  for (let i = 0; i < 20; i++) {
    const a = (2 * Math.PI * i) / 20;
    p.push({ x: cx + inner + 30 * Math.cos(a), y: cy + 45 + 10 * Math.sin(a) });
  }
  // A flat picture moved, squashed (tilted) or slid.
  return p.map((q) => ({ x: cx + (q.x - cx) * sx + dx, y: cy + (q.y - cy) * sy }));
}

const boxOf = (points: Point[]): Box => {
  const xs = points.map((q) => q.x);
  const ys = points.map((q) => q.y);
  return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
};

const frames = (shapes: Point[][], stepMs = 200, start = 0): ChallengeFrame[] => shapes.map((landmarks, i) => ({ at: start + i * stepMs, faces: [{ box: boxOf(landmarks), landmarks }] }));

/** A little landmark noise, as a camera and the landmark net give even for a still picture. */
function jitter(points: Point[], seed: number, amount = 0.8): Point[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2 * amount;
  return points.map((q) => ({ x: q.x + rnd(), y: q.y + rnd() }));
}

describe('cues', () => {
  it('eye openness falls when the lids close and ignores a squash of the whole picture', () => {
    const open = eyeOpenness(face());
    expect(open).toBeGreaterThan(0.05);
    expect(eyeOpenness(face({ closed: 0.9 }))).toBeLessThan(open * 0.2);
    expect(eyeOpenness(face({ sy: 0.6 }))).toBeCloseTo(open, 5);
    expect(eyeOpenness(face({ sx: 0.6 }))).toBeCloseTo(open, 5);
  });

  it('yaw follows the nose towards a jaw edge, with the sign of quality.ts', () => {
    expect(Math.abs(faceCues(face()).yaw)).toBeLessThan(2);
    expect(faceCues(face({ turn: 0.6 })).yaw).toBeGreaterThan(15);
    expect(faceCues(face({ turn: -0.6 })).yaw).toBeLessThan(-15);
    expect(Math.abs(faceCues(face({ sx: 0.5 })).yaw)).toBeLessThan(2);
  });

  it('needs all 68 points', () => {
    expect(() => eyeOpenness(face().slice(0, 5))).toThrow(RangeError);
  });
});

describe('planChallenge', () => {
  it('draws different challenges in an order given by the generator', () => {
    const seq = [0.1, 0.9, 0.5, 0.3];
    let i = 0;
    const plan = planChallenge(() => seq[i++ % seq.length]!, 2);
    expect(plan).toHaveLength(2);
    expect(new Set(plan).size).toBe(2);
    expect(planChallenge(() => 0, 3)).not.toEqual(planChallenge(() => 0.99, 3));
    for (const p of [planChallenge(() => 0, 3), planChallenge(() => 0.99, 3)]) expect([...p].sort()).toEqual([...CHALLENGE_KINDS].sort());
  });

  it('gives every order over many draws', () => {
    let s = 7;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const seen = new Set<string>();
    for (let n = 0; n < 300; n++) seen.add(planChallenge(random, 3).join());
    expect(seen.size).toBe(6);
  });

  it('refuses impossible step counts', () => {
    expect(() => planChallenge(Math.random, 0)).toThrow(RangeError);
    expect(() => planChallenge(Math.random, 4)).toThrow(RangeError);
  });
});

describe('a live person passes', () => {
  const blink = [face(), face(), face({ closed: 0.8 }), face({ closed: 0.9 }), face(), face()];
  const left = [face(), face({ turn: 0.4 }), face({ turn: 0.9 }), face({ turn: 1 })];
  const right = [face(), face({ turn: -0.4 }), face({ turn: -0.9 }), face({ turn: -1 })];
  const by: Record<ChallengeKind, Point[][]> = { blink, 'turn-left': left, 'turn-right': right };

  it.each([
    [['blink', 'turn-left']],
    [['turn-right', 'blink']],
    [['turn-left', 'turn-right', 'blink']],
  ] as ChallengeKind[][][])('%j', (plan) => {
    const shapes = plan.flatMap((k) => by[k]);
    const state = runChallenge(plan, frames(shapes.map((s, i) => jitter(s, i + 1, 0.3))));
    expect(state.status).toBe('passed');
    expect(state.step).toBe(plan.length);
  });

  it('says which challenge is due as it goes', () => {
    let state = startChallenge(['blink', 'turn-left']);
    expect(currentChallenge(state)).toBe('blink');
    for (const f of frames(blink)) state = advanceChallenge(state, f);
    expect(currentChallenge(state)).toBe('turn-left');
    for (const f of frames(left, 200, 2000)) state = advanceChallenge(state, f);
    expect(state.status).toBe('passed');
    expect(currentChallenge(state)).toBeNull();
  });

  it('a turn the wrong way does not count', () => {
    expect(runChallenge(['turn-left'], frames([...right, ...right, ...right, ...right, ...right, ...right, ...right, ...right, ...right, ...right, ...right])).status).toBe('failed');
  });

  it('a turn back to the middle after the first turn is not the second turn', () => {
    const back = [face({ turn: 0.2 }), face({ turn: 0 }), face({ turn: 0 }), face({ turn: 0 })];
    const shapes = [...left, ...Array.from({ length: 60 }, () => back).flat()];
    expect(runChallenge(['turn-left', 'turn-right'], frames(shapes)).failure).toBe('timeout');
  });
});

describe('a still picture fails', () => {
  it('the same frame replayed (with camera noise) runs out of time', () => {
    const shapes = Array.from({ length: 60 }, (_, i) => jitter(face(), i + 1));
    for (const plan of [['blink'], ['turn-left'], ['turn-right']] as ChallengeKind[][]) {
      const state = runChallenge(plan, frames(shapes));
      expect(state.status).toBe('failed');
      expect(state.failure).toBe('timeout');
    }
  });

  it('tilting, bending and sliding a flat photo fakes neither a blink nor a turn', () => {
    const shapes = Array.from({ length: 60 }, (_, i) => {
      const t = i / 4;
      return jitter(face({ sy: 0.55 + 0.45 * Math.abs(Math.cos(t)), sx: 0.55 + 0.45 * Math.abs(Math.sin(t)), dx: 20 * Math.sin(t) }), i + 1);
    });
    for (const kind of CHALLENGE_KINDS) expect(runChallenge([kind], frames(shapes)).status, kind).toBe('failed');
  });

  it('a face swapped for another mid-challenge ends it', () => {
    const shapes = [face(), face(), face({ dx: 400 })];
    expect(runChallenge(['blink'], frames(shapes)).failure).toBe('face-changed');
  });

  it('walking away ends it', () => {
    const fs = frames([face(), face()]);
    const state = [...fs, { at: 500, faces: [] }, { at: 3000, faces: [] }].reduce((s, f) => advanceChallenge(s, f), startChallenge(['blink']));
    expect(state.failure).toBe('face-lost');
  });

  it('a finished challenge stays finished', () => {
    const failed = runChallenge(['blink'], frames([face(), face({ dx: 400 })]));
    expect(advanceChallenge(failed, frames([face()])[0]!)).toBe(failed);
  });
});
