/**
 * A synthetic class photo of 56 small faces with faces placed across every
 * inner edge of the tiles the pipeline searches: each face must be found
 * exactly once, none boxed twice where tiles meet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createNodePipeline } from '../node';
import type { FacePipeline } from '../pipeline';
import { tileGrid } from './tiles';
import { buildGroupPhoto, countGroupMatches, GROUP_HEIGHT, GROUP_WIDTH, groupLayout, type GroupPhoto } from './testPhotos';

let pipeline: FacePipeline;
let group: GroupPhoto;

function innerEdges(starts: number[], ends: number[], size: number): number[] {
  return [...new Set([...starts, ...ends])].filter((e) => e > 0 && e < size).sort((a, b) => a - b);
}

beforeAll(async () => {
  pipeline = await createNodePipeline(['ssd', 'landmarks68', 'recognition']);
  const tiles = tileGrid(GROUP_WIDTH, GROUP_HEIGHT);
  const seamsX = innerEdges(tiles.map((t) => t.x), tiles.map((t) => t.x + t.width), GROUP_WIDTH);
  const seamsY = innerEdges(tiles.map((t) => t.y), tiles.map((t) => t.y + t.height), GROUP_HEIGHT);
  group = await buildGroupPhoto(pipeline, groupLayout(seamsX, seamsY));
});

afterAll(() => {
  group?.image.dispose();
  pipeline?.dispose();
});

describe('a group photo with faces on the tiles\' seams', () => {
  it('is built as intended: 56 faces, narrow enough to be tiled, many of them cut by a seam', () => {
    expect(group.faces).toHaveLength(56);
    const tiles = tileGrid(GROUP_WIDTH, GROUP_HEIGHT);
    expect(tiles).toHaveLength(4);
    const cut = group.faces.filter((f) => tiles.some((t) => (f.x < t.x + t.width && f.x + f.width > t.x + t.width && t.x + t.width < GROUP_WIDTH) || (f.y < t.y + t.height && f.y + f.height > t.y + t.height && t.y + t.height < GROUP_HEIGHT) || (f.x < t.x && f.x + f.width > t.x && t.x > 0) || (f.y < t.y && f.y + f.height > t.y && t.y > 0)));
    expect(cut.length).toBeGreaterThanOrEqual(20);
    const widths = group.faces.map((f) => f.width).sort((a, b) => a - b);
    expect(widths[28]!).toBeLessThan(GROUP_WIDTH * 0.06);
  });

  it('finds every face once and boxes none twice', async () => {
    const before = tf.memory().numTensors;
    const r = await pipeline.analyze(group.image, { detector: 'ssd', embed: false });
    expect(tf.memory().numTensors).toBe(before);
    const counts = countGroupMatches(group.faces, r.faces.map((f) => f.box));
    expect(counts).toEqual({ found: 56, missed: 0, duplicates: 0, strays: 0 });
  });
});
