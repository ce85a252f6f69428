import { describe, expect, it } from 'vitest';
import { assignFaces, hungarian } from './assign';
import { seededRandom } from './random';

function total(cost: number[][], assignment: number[]): number {
  return assignment.reduce((s, j, i) => s + (j >= 0 ? cost[i]![j]! : 0), 0);
}

/** Every injective row → column map, for checking optimality on small matrices. */
function bruteForceMin(cost: number[][]): number {
  const rows = cost.length;
  const cols = cost[0]!.length;
  const k = Math.min(rows, cols);
  let best = Infinity;
  const usedRow = new Array<boolean>(rows).fill(false);
  const usedCol = new Array<boolean>(cols).fill(false);
  // Assign the first k rows when rows ≤ cols, otherwise choose which rows get the k columns.
  const go = (depth: number, sum: number) => {
    if (depth === k) {
      best = Math.min(best, sum);
      return;
    }
    if (rows <= cols) {
      for (let j = 0; j < cols; j++) {
        if (usedCol[j]) continue;
        usedCol[j] = true;
        go(depth + 1, sum + cost[depth]![j]!);
        usedCol[j] = false;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        if (usedRow[i]) continue;
        usedRow[i] = true;
        go(depth + 1, sum + cost[i]![depth]!);
        usedRow[i] = false;
      }
    }
  };
  go(0, 0);
  return best;
}

describe('hungarian', () => {
  it('solves a square textbook case', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const a = hungarian(cost);
    expect(a).toEqual([1, 0, 2]);
    expect(total(cost, a)).toBe(5);
  });

  it('does not simply take each row\'s cheapest column', () => {
    // Greedy gives row 0 column 0 (1) and row 1 column 1 (100): 101. Optimal is 2 + 3 = 5.
    const a = hungarian([
      [1, 2],
      [3, 100],
    ]);
    expect(a).toEqual([1, 0]);
  });

  it('handles more columns than rows', () => {
    const cost = [
      [9, 2, 7, 8],
      [6, 4, 3, 7],
    ];
    const a = hungarian(cost);
    expect(a).toEqual([1, 2]);
  });

  it('handles more rows than columns, leaving the worst row out', () => {
    const cost = [[5], [1], [3]];
    expect(hungarian(cost)).toEqual([-1, 0, -1]);
    const wide = [
      [1, 9],
      [8, 2],
      [0, 0],
    ];
    // Row 2 can take only one column for free; the other goes to row 0 (1) rather than row 1 (2).
    expect(hungarian(wide)).toEqual([0, -1, 1]);
  });

  it('returns a valid optimum when everything ties', () => {
    const a = hungarian([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect([...a].sort()).toEqual([0, 1, 2]);
    const b = hungarian([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(b.filter((j) => j >= 0).sort()).toEqual([0, 1]);
  });

  it('matches brute force on random rectangular matrices, including many ties', () => {
    const random = seededRandom(5);
    for (let t = 0; t < 200; t++) {
      const rows = 1 + Math.floor(random() * 6);
      const cols = 1 + Math.floor(random() * 6);
      const ties = t % 2 === 0;
      const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (ties ? Math.floor(random() * 3) : random() * 10 - 3)));
      const a = hungarian(cost);
      expect(a).toHaveLength(rows);
      const assigned = a.filter((j) => j >= 0);
      expect(assigned.length).toBe(Math.min(rows, cols));
      expect(new Set(assigned).size).toBe(assigned.length);
      expect(total(cost, a)).toBeCloseTo(bruteForceMin(cost), 9);
    }
  });

  it('handles empty input and rejects ragged or non-finite matrices', () => {
    expect(hungarian([])).toEqual([]);
    expect(hungarian([[], []])).toEqual([-1, -1]);
    expect(() => hungarian([[1, 2], [3]])).toThrow(RangeError);
    expect(() => hungarian([[1, NaN]])).toThrow(RangeError);
    expect(() => hungarian([[Infinity]])).toThrow(RangeError);
  });
});

describe('assignFaces', () => {
  it('gives a contested student to the face that fits best overall', () => {
    // Both faces like student 0 best; face 1 has a decent second choice, face 0 has none.
    const a = assignFaces([
      [0.9, null],
      [0.95, 0.8],
    ]);
    expect(a).toEqual([0, 1]);
  });

  it('leaves a face unknown when its only student is taken by a better face', () => {
    expect(
      assignFaces([
        [0.6, null],
        [0.9, null],
      ]),
    ).toEqual([null, 0]);
  });

  it('never uses forbidden pairs, even with more students than faces', () => {
    expect(assignFaces([[null, null, null]])).toEqual([null]);
    expect(
      assignFaces([
        [null, 0.7, null],
        [null, 0.6, 0.2],
      ]),
    ).toEqual([1, 2]);
  });

  it('handles more faces than students', () => {
    const a = assignFaces([[0.5], [0.9], [0.7]]);
    expect(a).toEqual([null, 0, null]);
  });

  it('handles an empty roster and no faces', () => {
    expect(assignFaces([])).toEqual([]);
    expect(assignFaces([[], []])).toEqual([null, null]);
  });
});
