import { describe, expect, it } from 'vitest';
import type { Point } from '../types';
import { acceptPortrait, landmarkDisagreement, landmarksFitFace, portraitBox, portraitSquares } from './alignedPortrait';

/** A frontal face's 68 landmarks in a 112-px tight crop (face-api's order), coarse but in the right places. */
function frontalFace(size = 112): Point[] {
  const s = size / 112;
  const p = (x: number, y: number): Point => ({ x: x * s, y: y * s });
  const jaw = Array.from({ length: 17 }, (_, i) => p(10 + (92 * i) / 16, 40 + 60 * Math.sin((Math.PI * i) / 16)));
  const brows = Array.from({ length: 10 }, (_, i) => p(i < 5 ? 20 + i * 7 : 62 + (i - 5) * 7, 32));
  const noseBridge = Array.from({ length: 4 }, (_, i) => p(56, 42 + i * 6));
  const noseBase = Array.from({ length: 5 }, (_, i) => p(48 + i * 4, 66));
  const eye = (cx: number) => Array.from({ length: 6 }, (_, i) => p(cx + 7 * Math.cos((Math.PI * i) / 3), 44 + 3 * Math.sin((Math.PI * i) / 3)));
  const mouth = Array.from({ length: 20 }, (_, i) => p(56 + 14 * Math.cos((Math.PI * i) / 10), 84 + 5 * Math.sin((Math.PI * i) / 10)));
  return [...jaw, ...brows, ...noseBridge, ...noseBase, ...eye(34), ...eye(78), ...mouth];
}

const shift = (points: Point[], dx: number, dy: number) => points.map((q) => ({ x: q.x + dx, y: q.y + dy }));

describe('landmarksFitFace', () => {
  it('accepts a frontal face and a slightly turned one', () => {
    expect(frontalFace()).toHaveLength(68);
    expect(landmarksFitFace(frontalFace(), 112, 112)).toBe(true);
    const turned = frontalFace().map((q, i) => (i === 30 ? { ...q, x: 30 } : q));
    expect(landmarksFitFace(turned, 112, 112)).toBe(true);
  });

  it('refuses an upside-down face, eyes too close together, a face outside the frame and a wrong point count', () => {
    expect(landmarksFitFace(frontalFace().map((q) => ({ x: q.x, y: 112 - q.y })), 112, 112)).toBe(false);
    const squeezed = frontalFace().map((q) => ({ x: 56 + (q.x - 56) * 0.4, y: q.y }));
    expect(landmarksFitFace(squeezed, 112, 112)).toBe(false);
    expect(landmarksFitFace(shift(frontalFace(), 60, 0), 112, 112)).toBe(false);
    expect(landmarksFitFace(frontalFace().slice(0, 67), 112, 112)).toBe(false);
  });
});

describe('acceptPortrait', () => {
  it('takes the first neighbouring pair of runs that fit and agree, scored by their agreement', () => {
    const face = frontalFace();
    const accepted = acceptPortrait([shift(face, 0, 40), face, shift(face, 1, 0), face], 112, 112);
    expect(accepted?.landmarks).toEqual(face);
    expect(accepted!.score).toBeGreaterThan(0.5);
    expect(accepted!.score).toBeLessThan(1);
  });

  it('refuses runs that fit a face but move with the square (a texture)', () => {
    const face = frontalFace();
    expect(acceptPortrait([face, shift(face, 8, 0), face.map((q) => ({ x: q.x, y: q.y + 9 })), shift(face, -8, 4)], 112, 112)).toBeNull();
    expect(acceptPortrait([], 112, 112)).toBeNull();
  });
});

describe('geometry of the fallback', () => {
  it('centres squares larger than the shorter side and boxes the landmarks inside the image', () => {
    const squares = portraitSquares(100, 120);
    expect(squares[0]!.width).toBeCloseTo(115);
    expect(squares[0]!.x).toBeCloseTo(-7.5);
    expect(squares[0]!.y).toBeCloseTo(2.5);
    for (const sq of squares) expect(sq.x + sq.width / 2).toBeCloseTo(50);
    expect(landmarkDisagreement(frontalFace(), shift(frontalFace(), 3, 4), 100)).toBeCloseTo(0.05);
    const box = portraitBox(frontalFace(), 112, 112);
    expect(box.x).toBeCloseTo(10);
    expect(box.y).toBeCloseTo(32);
    expect(box.x + box.width).toBeLessThanOrEqual(112);
    expect(box.y + box.height).toBeLessThanOrEqual(112);
  });
});
