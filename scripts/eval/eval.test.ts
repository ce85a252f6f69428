import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from './args';
import { pooled, readCollection, spread } from './datasets';
import { closedSetMetrics, confusedPairs, methodMetrics, openSetMetrics, type Answer } from './metrics';
import { splitByFolders, splitPooled, type Photo } from './split';

describe('metrics', () => {
  const answers: Answer[] = [
    { truth: 'a', closed: 'a', open: 'a', probability: 0.9 },
    { truth: 'a', closed: 'b', open: null, probability: 0.6 },
    { truth: 'b', closed: 'b', open: 'b', probability: 0.9 },
    { truth: 'b', closed: 'b', open: 'a', probability: 0.9 },
    { truth: 'c', closed: 'b', open: 'b', probability: 0.4 },
    { truth: null, closed: 'a', open: 'a', probability: 0.7 },
    { truth: null, closed: 'b', open: null, probability: 0.2 },
  ];

  it('closed set: accuracy and macro precision/recall', () => {
    const m = closedSetMetrics(answers, ['a', 'b', 'c']);
    expect(m.tests).toBe(5);
    expect(m.accuracy).toBeCloseTo(3 / 5, 10);
    // Precision: a 1/1, b 2/4, c never predicted (left out). Recall: a 1/2, b 2/2, c 0/1.
    expect(m.precision).toBeCloseTo((1 + 0.5) / 2, 10);
    expect(m.recall).toBeCloseTo((0.5 + 1 + 0) / 3, 10);
  });

  it('open set: strangers named, enrolled people rejected or mislabelled', () => {
    const m = openSetMetrics(answers, 0.5);
    expect(m.far).toBe(0.5);
    expect(m.rejected).toBe(1);
    expect(m.mislabelled).toBe(2);
    expect(m.frr).toBeCloseTo(3 / 5, 10);
    expect(m.threshold).toBe(0.5);
  });

  it('most confused pairs and calibration', () => {
    expect(confusedPairs(answers)).toEqual([
      { truth: 'a', predicted: 'b', count: 1 },
      { truth: 'c', predicted: 'b', count: 1 },
    ]);
    const m = methodMetrics(answers, ['a', 'b', 'c'], 0.5);
    expect(m.ece).not.toBeNull();
    expect(m.eceOpen).not.toBeNull();
    expect(methodMetrics([{ truth: 'a', closed: 'a', open: 'a' }], ['a'], 0.6).ece).toBeNull();
  });
});

const photo = (identity: string, i: number): Photo => ({ identity, file: `${identity}/${i}.jpg`, descriptor: [i] });
const pool = (counts: Record<string, number>) => new Map(Object.entries(counts).map(([id, n]) => [id, Array.from({ length: n }, (_, i) => photo(id, i))]));

describe('splitPooled', () => {
  it('holds out a share of people as strangers, enrols the rest on N photos and tests on the others', () => {
    const split = splitPooled(pool({ a: 5, b: 5, c: 5, d: 5, e: 5, f: 2 }), { enroll: 3, strangers: 0.2, seed: 1 });
    expect(split.tooFew).toEqual(['f']);
    expect(split.strangerIds).toHaveLength(1);
    expect(split.enrolled).toHaveLength(4);
    expect(split.enrol).toHaveLength(12);
    expect(split.test).toHaveLength(8);
    expect(split.strangers).toHaveLength(5 + 2);
    for (const id of split.enrolled) {
      const enrolFiles = split.enrol.filter((p) => p.identity === id).map((p) => p.file);
      const testFiles = split.test.filter((p) => p.identity === id).map((p) => p.file);
      expect(enrolFiles.some((f) => testFiles.includes(f))).toBe(false);
    }
    expect(splitPooled(pool({ a: 5, b: 5, c: 5, d: 5, e: 5, f: 2 }), { enroll: 3, strangers: 0.2, seed: 1 })).toEqual(split);
    expect(splitPooled(pool({ a: 5, b: 5, c: 5, d: 5, e: 5 }), { enroll: 3, strangers: 0.2, seed: 2 }).strangerIds).toHaveLength(1);
  });

  it('keeps at least two people enrolled', () => {
    const split = splitPooled(pool({ a: 3, b: 3, c: 3 }), { enroll: 2, strangers: 0.9, seed: 1 });
    expect(split.enrolled).toHaveLength(2);
    expect(splitPooled(pool({ a: 3, b: 3 }), { enroll: 2, strangers: 0.5, seed: 1 }).strangerIds).toEqual([]);
  });
});

describe('splitByFolders', () => {
  it('enrols from one split and tests on the other', () => {
    const split = splitByFolders(pool({ a: 6, b: 6, c: 6, d: 1 }), pool({ a: 2, b: 2, c: 2, d: 2, e: 1 }), { enroll: 4, strangers: 0, seed: 1 });
    expect(split.enrolled).toEqual(['a', 'b', 'c']);
    expect(split.enrol).toHaveLength(12);
    expect(split.test).toHaveLength(6);
    expect(split.tooFew).toEqual(['d', 'e']);
    expect(split.strangers).toHaveLength(1 + 2 + 1);
  });
});

describe('readCollection', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rollcall-eval-'));
    const touch = async (path: string) => {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), '');
    };
    for (const p of ['flat/bob/2.jpg', 'flat/bob/10.jpg', 'flat/bob/notes.txt', 'flat/amy/1.PNG', 'flat/.hidden/1.jpg']) await touch(p);
    for (const p of ['split/train/amy/1.jpg', 'split/train/bob/1.jpg', 'split/val/amy/2.jpg', 'split/groups/g.jpg', 'split/singles/s1.jpg']) await touch(p);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the flat layout in natural order', async () => {
    const c = await readCollection(join(root, 'flat'));
    expect(c.layout).toBe('flat');
    const ids = pooled(c);
    expect([...ids.keys()]).toEqual(['amy', 'bob']);
    expect(ids.get('bob')!.map((f) => f.split('/').pop())).toEqual(['2.jpg', '10.jpg']);
  });

  it('reads the split layout, pools or picks splits, and keeps loose folders apart', async () => {
    const c = await readCollection(join(root, 'split'));
    expect(c.layout).toBe('split');
    expect([...c.splits.keys()]).toEqual(['train', 'val']);
    expect([...c.loose.keys()]).toEqual(['groups', 'singles']);
    expect(pooled(c).get('amy')).toHaveLength(2);
    expect([...pooled(c, ['val']).keys()]).toEqual(['amy']);
    expect(() => pooled(c, ['test'])).toThrow(/No split "test"/);
  });

  it('spreads a cap over the whole list', () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([1, 4, 7]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
  });
});

describe('parseArgs', () => {
  it('parses a full command line', () => {
    const p = parseArgs(['--data', 'x', '--enroll', '4', '--strangers', '0.3', '--enroll-split', 'train', '--test-split', 'val', '--seed', '0', '--json', 'o.json', '--augment']);
    expect(p).toMatchObject({ kind: 'ok', args: { data: 'x', enroll: 4, strangers: 0.3, enrollSplit: ['train'], testSplit: ['val'], seed: 0, json: 'o.json', augment: true, cache: true } });
  });

  it('reports mistakes', () => {
    expect(parseArgs([])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--data', 'x', '--all', 'y'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--data', 'x', '--enroll', '0'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--data', 'x', '--strangers', '1'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--data', 'x', '--enroll-split', 'train'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--data', 'x', '--bogus'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
