import { describe, expect, it } from 'vitest';
import type { Detection } from '../types';
import { overlapOfSmaller, iou } from '../geometry';
import { mergeTileDetections, tileGrid } from './tiles';

const det = (x: number, y: number, width: number, height: number, score: number): Detection => ({ box: { x, y, width, height }, score });

describe('tileGrid', () => {
  it('covers the photo with 2×2 overlapping tiles of about 960 px, more for larger photos', () => {
    expect(tileGrid(1920, 1440)).toEqual([
      { x: 0, y: 0, width: 1200, height: 900 },
      { x: 720, y: 0, width: 1200, height: 900 },
      { x: 0, y: 540, width: 1200, height: 900 },
      { x: 720, y: 540, width: 1200, height: 900 },
    ]);
    const big = tileGrid(2560, 1707);
    expect(big).toHaveLength(6);
    for (const t of big) {
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.x + t.width).toBeLessThanOrEqual(2560);
      expect(t.y + t.height).toBeLessThanOrEqual(1707);
    }
  });
});

describe('mergeTileDetections', () => {
  it('merges the part of a face a tile saw at its edge into the whole face, keeping the larger box and the higher score', () => {
    const whole = det(1150, 400, 80, 100, 0.7);
    const part = det(1150, 405, 50, 90, 0.9);
    expect(iou(whole.box, part.box)).toBeLessThan(0.6);
    expect(overlapOfSmaller(whole.box, part.box)).toBe(1);
    expect(mergeTileDetections([whole, part])).toEqual([{ box: whole.box, score: 0.9 }]);
  });

  it('keeps neighbouring faces whose boxes touch or overlap a little, and merges repeats of one face', () => {
    const a = det(100, 100, 80, 100, 0.9);
    const b = det(170, 100, 80, 100, 0.8);
    expect(mergeTileDetections([a, b])).toHaveLength(2);
    expect(mergeTileDetections([a, det(102, 101, 80, 100, 0.5), b])).toEqual([a, b]);
    expect(mergeTileDetections([])).toEqual([]);
  });
});

describe('overlapOfSmaller', () => {
  it('is the share of the smaller box inside the larger, 0 for apart or empty boxes', () => {
    expect(overlapOfSmaller({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBe(0.5);
    expect(overlapOfSmaller({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 5, height: 5 })).toBe(0);
    expect(overlapOfSmaller({ x: 0, y: 0, width: 0, height: 10 }, { x: 0, y: 0, width: 5, height: 5 })).toBe(0);
  });
});
