/**
 * Faces on the tiles' seams: the synthetic 56-face class photo of
 * src/ml/detector/seams.test.ts (faces from face-api's samples placed across
 * every inner tile edge), run through our pipeline with each detector and
 * through face-api's stock chain on the same tensor. Reports, per chain, the
 * placed faces found, missed, boxed more than once and the boxes on no face,
 * and the same for ours with the merge rule tiles used before (IoU only).
 * Writes bench/results/seams.{json,md}.
 *
 *   npx tsx bench/seams.ts
 */
import * as tf from '@tensorflow/tfjs';
import * as faceapi from '#faceapi';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createNodePipeline, loadWeightsFromDisk } from '../src/ml/node';
import { createDetector } from '../src/ml/detector';
import { iou } from '../src/ml/geometry';
import { tileGrid } from '../src/ml/detector/tiles';
import { buildGroupPhoto, countGroupMatches, GROUP_HEIGHT, GROUP_WIDTH, groupLayout } from '../src/ml/detector/testPhotos';
import type { Box, DetectorKind } from '../src/ml/types';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const STOCK_MODELS = join(ROOT, 'node_modules/@vladmandic/face-api/model');

interface Row {
  chain: string;
  faces: number;
  found: number;
  missed: number;
  duplicates: number;
  strays: number;
  ms: number;
}

function innerEdges(starts: number[], ends: number[], size: number): number[] {
  return [...new Set([...starts, ...ends])].filter((e) => e > 0 && e < size).sort((a, b) => a - b);
}

/** The merge the pipeline used before: greedy by score, IoU ≥ 0.4 only. */
function iouOnly(items: { box: Box; score: number }[]): Box[] {
  const kept: { box: Box; score: number }[] = [];
  for (const d of [...items].sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, d.box) < 0.4)) kept.push(d);
  return kept.map((k) => k.box);
}

const tiles = tileGrid(GROUP_WIDTH, GROUP_HEIGHT);
const seamsX = innerEdges(tiles.map((t) => t.x), tiles.map((t) => t.x + t.width), GROUP_WIDTH);
const seamsY = innerEdges(tiles.map((t) => t.y), tiles.map((t) => t.y + t.height), GROUP_HEIGHT);
const pipeline = await createNodePipeline();
const group = await buildGroupPhoto(pipeline, groupLayout(seamsX, seamsY));
const rows: Row[] = [];
const row = (chain: string, boxes: Box[], ms: number) => rows.push({ chain, faces: boxes.length, ...countGroupMatches(group.faces, boxes), ms: Math.round(ms) });

for (const kind of ['ssd', 'tiny', 'mtcnn'] as DetectorKind[]) {
  const t0 = performance.now();
  const r = await pipeline.analyze(group.image, { detector: kind, embed: true });
  row(`ours ${kind}`, r.faces.map((f) => f.box), performance.now() - t0);
}

// Ours before: the same whole-photo and tile passes of our SSD, merged by IoU alone.
const [h, w] = group.image.shape;
const ssd = createDetector('ssd', (await loadWeightsFromDisk(['ssd'])).ssd!);
const passes: { box: Box; score: number }[] = await ssd.detect(group.image);
for (const t of tiles) {
  const tile = tf.slice(group.image, [t.y, t.x, 0], [t.height, t.width, 3]);
  for (const d of await ssd.detect(tile)) passes.push({ ...d, box: { ...d.box, x: d.box.x + t.x, y: d.box.y + t.y } });
  tile.dispose();
}
ssd.dispose();
row('ours ssd, IoU-only merge (before)', iouOnly(passes), 0);

await faceapi.nets.ssdMobilenetv1.loadFromDisk(STOCK_MODELS);
await faceapi.nets.faceLandmark68Net.loadFromDisk(STOCK_MODELS);
await faceapi.nets.faceRecognitionNet.loadFromDisk(STOCK_MODELS);
{
  const t0 = performance.now();
  // face-api's typings carry their own copy of the tfjs types; at run time it is the same engine.
  const found = await faceapi.detectAllFaces(group.image as unknown as faceapi.TNetInput, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.2 })).withFaceLandmarks().withFaceDescriptors();
  row('stock face-api ssd (minConfidence 0.2)', found.map((f) => ({ x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height })), performance.now() - t0);
}
group.image.dispose();
pipeline.dispose();

const report = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, backend: tf.getBackend(), loadAverage: Math.round(os.loadavg()[0]! * 10) / 10 },
  photo: { width: w, height: h, placedFaces: group.faces.length, tiles: tiles.length, seamsX, seamsY },
  rows,
};
const md = [
  '# Faces on tile seams',
  '',
  `Synthetic ${w}×${h} class photo, ${group.faces.length} faces (50–75 px wide) from face-api's samples, placed across the ${seamsX.length + seamsY.length} inner edges of the ${tiles.length} tiles (x ${seamsX.join(', ')}; y ${seamsY.join(', ')}). A placed face is found when a box's centre lies in it; duplicates are extra boxes on a found face; strays are boxes on no face. ${report.machine.cpu} × ${report.machine.cores}, ${report.machine.backend}, ${report.date}.`,
  '',
  '| chain | boxes | found | missed | duplicates | strays | ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.chain} | ${r.faces} | ${r.found} | ${r.missed} | ${r.duplicates} | ${r.strays} | ${r.ms || '–'} |`),
  '',
].join('\n');
await mkdir(RESULTS, { recursive: true });
await writeFile(join(RESULTS, 'seams.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(RESULTS, 'seams.md'), md);
process.stderr.write(`${md}\nwrote ${join(RESULTS, 'seams.json')} and seams.md\n`);
