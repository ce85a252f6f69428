/**
 * The mark-precedence tables are complete and say one thing: every
 * situation two marks can be in matches exactly one row. The phone
 * (src/sync/mergeMarks.test.ts) and the server's SQL
 * (tests/deno/mark_precedence_test.ts) each run every row.
 */
import { describe, expect, it } from 'vitest';
import { casesOf, keptMessage, MARK_PRECEDENCE, type MarkCase, MERGE_SIGHTINGS, type SightingKind, TIME_ORDERS } from './markPrecedence';

const SIDES: MarkCase[] = [
  { source: 'auto', cleared: false },
  { source: 'auto', cleared: true },
  { source: 'manual', cleared: false },
  { source: 'manual', cleared: true },
];
const key = (c: { stored: MarkCase; arriving: MarkCase; arrives: string }) => JSON.stringify([c.stored, c.arriving, c.arrives]);

describe('the mark precedence table', () => {
  it('has exactly one row for each of the 48 situations', () => {
    const seen = new Map<string, number>();
    MARK_PRECEDENCE.forEach((row, i) => {
      for (const c of casesOf(row)) {
        expect(seen.get(key(c)), `rows ${seen.get(key(c))} and ${i} overlap`).toBeUndefined();
        seen.set(key(c), i);
      }
    });
    for (const stored of SIDES) for (const arriving of SIDES) for (const arrives of TIME_ORDERS) expect(seen.has(key({ stored, arriving, arrives }))).toBe(true);
    expect(seen.size).toBe(48);
  });

  it('says why in every row, and what a device is told whenever the stored mark stands', () => {
    for (const row of MARK_PRECEDENCE) {
      expect(row.why.length).toBeGreaterThan(10);
      expect(row.told !== undefined, row.why).toBe(row.winner === 'stored');
    }
  });

  it('tells the same for the same two marks whatever their times, so the server need not compare them again', () => {
    for (const row of MARK_PRECEDENCE.filter((r) => r.winner === 'stored')) {
      for (const c of casesOf(row)) expect(keptMessage(c.stored, c.arriving), row.why).toBe(row.told);
    }
  });

  it('merges only two live sightings', () => {
    const merging = MARK_PRECEDENCE.filter((r) => r.winner === 'merge').flatMap(casesOf);
    expect(merging.every((c) => c.stored.source === 'auto' && c.arriving.source === 'auto' && !c.stored.cleared && !c.arriving.cleared)).toBe(true);
  });
});

describe('the merge table', () => {
  it('has exactly one row for each of the 12 situations of two sightings', () => {
    const kinds: SightingKind[] = ['seen', 'absent'];
    for (const stored of kinds) {
      for (const arriving of kinds) {
        for (const arrives of TIME_ORDERS) {
          expect(MERGE_SIGHTINGS.filter((r) => r.stored === stored && r.arriving === arriving && r.arrives.includes(arrives))).toHaveLength(1);
        }
      }
    }
  });
});
