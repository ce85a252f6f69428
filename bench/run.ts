/**
 * npm run bench: speed of our pipeline against face-api's stock chain on the
 * same images in the same process (Part A, Node WASM), verification quality on
 * the labelled datasets in ../shared/datasets (Part B, skipped when absent), and
 * the Part A photos again in Chromium on the WASM, WebGL and WebGPU backends
 * (Part C, skipped when Chromium is missing). "Ours" is `analyze` with the app's
 * defaults (ANALYZE_DEFAULTS: flip averaging off); Part B also measures ours with flip on.
 * Writes bench/results/latest.json and latest.md.
 *
 * Environment knobs (defaults keep the whole run near 20 minutes on 2 cores):
 *   BENCH_RUNS                   timed runs per photo after one warm-up, Part A (3)
 *   BENCH_PEOPLE                 people per collection in Part B (15)
 *   BENCH_IMAGES                 images per person in Part B (8)
 *   BENCH_PARTS                  any of the letters A, B, C (ABC)
 *   BENCH_DATASETS               path of the datasets folder (../shared/datasets)
 *   BENCH_BROWSER_RUNS           timed runs per photo after one warm-up, Part C on WASM (2)
 *   BENCH_BROWSER_EMULATED_RUNS  the same for WebGL and WebGPU, which run on SwiftShader here (1)
 *   BENCH_BROWSER_DETECTORS      our detectors in Part C, comma-separated (ssd,tiny; mtcnn is slow on SwiftShader)
 *   BENCH_BROWSER_BACKENDS       comma-separated (wasm,webgl,webgpu)
 *   BENCH_BROWSER_TIMEOUT_S      limit per backend in Part C (720)
 *   CHROMIUM_PATH                Chromium for Part C (/usr/bin/chromium)
 */
import * as tf from '@tensorflow/tfjs';
import * as faceapi from '#faceapi';
import jpeg from 'jpeg-js';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { decodeImageFile } from '../src/ml/node/decodeImageFile';
import { euclidean, iou } from '../src/ml/geometry';
import type { Box, DetectorKind, Face, StageTimings } from '../src/ml/types';
import { loadPipeline, type LoadedPipeline } from '../scripts/faces/loadPipeline';
import { runBrowserBench } from './runBrowserBench';
import type { BrowserRow, BrowserRun } from './browser/page';
import { compareNames } from '../scripts/faces/walk';
import { ANALYZE_DEFAULTS } from '../src/ml/pipeline';
import { bestAccuracy, buildPairs, median, rocAuc, ratesAt, tarAtFar } from './metrics';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const SAMPLES_DIR = join(ROOT, 'node_modules/@vladmandic/face-api/demo');
const STOCK_MODELS = join(ROOT, 'node_modules/@vladmandic/face-api/model');
const DATASETS = resolve(ROOT, process.env.BENCH_DATASETS ?? '../shared/datasets');
const RUNS = intEnv('BENCH_RUNS', 3);
const PEOPLE = intEnv('BENCH_PEOPLE', 15);
const IMAGES_PER_PERSON = intEnv('BENCH_IMAGES', 8);
const PARTS = (process.env.BENCH_PARTS ?? 'ABC').toUpperCase();
const BROWSER_RUNS = intEnv('BENCH_BROWSER_RUNS', 2);
const BROWSER_EMULATED_RUNS = intEnv('BENCH_BROWSER_EMULATED_RUNS', 1);
const BROWSER_DETECTORS = listEnv('BENCH_BROWSER_DETECTORS', ['ssd', 'tiny'], ['ssd', 'tiny', 'mtcnn'] as const);
const BROWSER_BACKENDS = listEnv('BENCH_BROWSER_BACKENDS', ['wasm', 'webgl', 'webgpu'], ['wasm', 'webgl', 'webgpu'] as const);
const BROWSER_TIMEOUT_S = intEnv('BENCH_BROWSER_TIMEOUT_S', 720);
/** Different-person pairs kept per collection (seeded sample above this). */
const MAX_IMPOSTORS = 20_000;
const PAIR_SEED = 20240601;
/** face-api's FaceMatcher default: a distance under 0.6 is a match. */
const STOCK_THRESHOLD = 0.6;
const TARGET_FAR = 0.01;
/** Class photo: faces per row and column, cell side in pixels. */
const CLASS_COLS = 6;
const CLASS_ROWS = 5;
const CLASS_CELL = 240;

/** The app's analyze defaults in words, so the report says what "ours" ran with. */
const DEFAULTS_TEXT = `embedding ${ANALYZE_DEFAULTS.embed ? 'on' : 'off'}, flip averaging ${ANALYZE_DEFAULTS.flip ? 'on' : 'off'}, tiling ${ANALYZE_DEFAULTS.tiling}`;

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function listEnv<T extends string>(name: string, fallback: T[], allowed: readonly T[]): T[] {
  const picked = (process.env[name] ?? '').split(',').map((v) => v.trim()).filter((v): v is T => (allowed as readonly string[]).includes(v));
  return picked.length ? [...new Set(picked)] : fallback;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v);
const r4 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10000) / 10000 : v);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ---------------------------------------------------------------- stock chain

type StockDetector = 'ssd' | 'tiny';

interface StockFace {
  box: Box;
  descriptor: Float32Array;
}

async function loadStock(): Promise<void> {
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(STOCK_MODELS);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(STOCK_MODELS);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(STOCK_MODELS);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(STOCK_MODELS);
}

/**
 * The comparison for each of our detectors: face-api has no MTCNN any more, so
 * MTCNN is compared with stock SSD; tiny runs with the input size and score
 * threshold our tiny detector uses, so only the pipeline around it differs.
 */
function stockFor(detector: DetectorKind): StockDetector {
  return detector === 'tiny' ? 'tiny' : 'ssd';
}

const STOCK_OPTIONS: Record<StockDetector, { label: string; make: () => faceapi.SsdMobilenetv1Options | faceapi.TinyFaceDetectorOptions }> = {
  ssd: { label: 'SsdMobilenetv1Options({ minConfidence: 0.2 })', make: () => new faceapi.SsdMobilenetv1Options({ minConfidence: 0.2 }) },
  tiny: { label: 'TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.4 })', make: () => new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.4 }) },
};

async function runStock(image: tf.Tensor3D, kind: StockDetector): Promise<{ faces: StockFace[]; ms: number }> {
  // face-api's typings carry their own copy of the tfjs types; at run time it is the same engine.
  const input = image as unknown as faceapi.TNetInput;
  const t0 = performance.now();
  const found = await faceapi.detectAllFaces(input, STOCK_OPTIONS[kind].make()).withFaceLandmarks().withFaceDescriptors();
  const ms = performance.now() - t0;
  return { faces: found.map((f) => ({ box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height }, descriptor: f.descriptor })), ms };
}

// ---------------------------------------------------------------- machine

async function machine(loaded: LoadedPipeline) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: r1(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tf.version.tfjs,
    faceApi: JSON.parse(await readFile(join(ROOT, 'node_modules/@vladmandic/face-api/package.json'), 'utf8')).version as string,
    backend: loaded.backend,
    backendReason: loaded.backendReason,
    date: new Date().toISOString(),
    /** 1-minute load average when the bench started: other work on the machine skews single timings. */
    loadAverageAtStart: r1(os.loadavg()[0]!),
  };
}

// ---------------------------------------------------------------- class photo

/**
 * A synthetic class photo: every face the SSD pipeline finds in the six
 * samples, cropped square with margin, then mirrored copies until the grid is
 * full, tiled on a grey background and saved as JPEG so it is decoded like a file.
 */
async function buildClassPhoto(loaded: LoadedPipeline, samples: { name: string; bytes: Uint8Array }[]) {
  const cells = CLASS_COLS * CLASS_ROWS;
  const crops: tf.Tensor4D[] = [];
  try {
    for (const s of samples) {
      const { tensor } = await decodeImageFile(s.bytes);
      try {
        const result = await loaded.pipeline.analyze(tensor, { detector: 'ssd', embed: false });
        const [h, w] = tensor.shape;
        const boxes = result.faces.map((f) => {
          const side = Math.max(f.box.width, f.box.height) * 1.7;
          const cx = f.box.x + f.box.width / 2;
          const cy = f.box.y + f.box.height / 2;
          return [(cy - side / 2) / h, (cx - side / 2) / w, (cy + side / 2) / h, (cx + side / 2) / w];
        });
        if (!boxes.length) continue;
        crops.push(tf.tidy(() => {
          const batch = tf.expandDims(tf.cast(tensor, 'float32'), 0) as tf.Tensor4D;
          const face = CLASS_CELL - 24;
          return tf.image.cropAndResize(batch, boxes, boxes.map(() => 0), [face, face], 'bilinear', 128);
        }));
      } finally {
        tensor.dispose();
      }
    }
    const faces = crops.reduce((n, c) => n + c.shape[0], 0);
    const placed = Math.min(cells, faces * 2);
    const image = tf.tidy(() => {
      const all = tf.concat(crops, 0);
      const withMirrors = faces < cells ? tf.concat([all, tf.reverse(all, 2)], 0) : all;
      const used = tf.slice(withMirrors, [0, 0, 0, 0], [placed, -1, -1, -1]);
      const pad = 12;
      const framed = tf.pad(used, [[0, cells - placed], [pad, pad], [pad, pad], [0, 0]], 128);
      const grid = tf.reshape(framed, [CLASS_ROWS, CLASS_COLS, CLASS_CELL, CLASS_CELL, 3]);
      return tf.cast(tf.clipByValue(tf.reshape(tf.transpose(grid, [0, 2, 1, 3, 4]), [CLASS_ROWS * CLASS_CELL, CLASS_COLS * CLASS_CELL, 3]), 0, 255), 'int32') as tf.Tensor3D;
    });
    const [height, width] = image.shape;
    const rgb = await image.data();
    image.dispose();
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgba[j] = rgb[i]!;
      rgba[j + 1] = rgb[i + 1]!;
      rgba[j + 2] = rgb[i + 2]!;
      rgba[j + 3] = 255;
    }
    const bytes = new Uint8Array(jpeg.encode({ data: rgba, width, height }, 90).data);
    return { bytes, width, height, placed, distinct: Math.min(faces, placed) };
  } finally {
    tf.dispose(crops);
  }
}

// ---------------------------------------------------------------- Part A

const STAGES = ['decode', 'detect', 'landmarks', 'align', 'embed'] as const;

interface SpeedRow {
  detector: DetectorKind;
  photo: string;
  kind: 'sample' | 'class photo';
  width: number;
  height: number;
  /** Faces placed in the class photo; unknown for the samples. */
  placedFaces?: number;
  ours: { faces: number; medianMs: Record<(typeof STAGES)[number] | 'pipeline' | 'total', number> };
  stock: { detector: StockDetector; faces: number; medianMs: number };
  /** stock ms / our ms, both without decoding (the stock chain is handed the decoded tensor). */
  ratio: number;
}

type ClassPhoto = Awaited<ReturnType<typeof buildClassPhoto>>;
interface BenchPhoto {
  name: string;
  bytes: Uint8Array;
  kind: 'sample' | 'class photo';
  placed: number | undefined;
}

/** The six face-api samples and the synthetic class photo: the photos of Parts A and C. */
async function benchPhotos(loaded: LoadedPipeline): Promise<{ photos: BenchPhoto[]; classPhoto: ClassPhoto }> {
  const samples = [];
  for (let i = 1; i <= 6; i++) {
    samples.push({ name: `sample${i}.jpg`, bytes: new Uint8Array(await readFile(join(SAMPLES_DIR, `sample${i}.jpg`))) });
  }
  const classPhoto = await buildClassPhoto(loaded, samples);
  const classPath = join(os.tmpdir(), 'rollcall-bench-class-photo.jpg');
  await writeFile(classPath, classPhoto.bytes);
  log(`class photo: ${classPhoto.width}×${classPhoto.height}, ${classPhoto.placed} faces (${classPhoto.distinct} distinct), saved to ${classPath}`);
  const photos: BenchPhoto[] = [
    ...samples.map((s) => ({ ...s, kind: 'sample' as const, placed: undefined })),
    { name: 'class-photo.jpg', bytes: classPhoto.bytes, kind: 'class photo' as const, placed: classPhoto.placed },
  ];
  return { photos, classPhoto };
}

async function partA(loaded: LoadedPipeline, photos: BenchPhoto[], classPhoto: ClassPhoto) {
  const rows: SpeedRow[] = [];
  const tensorsBefore = tf.memory().numTensors;
  for (const detector of loaded.detectors) {
    const stockKind = stockFor(detector);
    for (const photo of photos) {
      const ours: (StageTimings & { decode: number })[] = [];
      const stockMs: number[] = [];
      let oursFaces = 0;
      let stockFaces = 0;
      let size = [0, 0];
      // Run 0 is the warm-up; ours and stock alternate so drift affects both alike.
      for (let run = 0; run <= RUNS; run++) {
        const t0 = performance.now();
        const decoded = await decodeImageFile(photo.bytes);
        const decode = performance.now() - t0;
        try {
          const result = await loaded.pipeline.analyze(decoded.tensor, { detector, embed: true });
          const stock = await runStock(decoded.tensor, stockKind);
          if (run > 0) {
            ours.push({ ...result.timings, decode });
            stockMs.push(stock.ms);
          }
          oursFaces = result.faces.length;
          stockFaces = stock.faces.length;
          size = [decoded.originalWidth, decoded.originalHeight];
        } finally {
          decoded.tensor.dispose();
        }
      }
      const medianMs = Object.fromEntries(STAGES.map((s) => [s, r1(median(ours.map((t) => t[s])))])) as SpeedRow['ours']['medianMs'];
      medianMs.pipeline = r1(median(ours.map((t) => t.total)));
      medianMs.total = r1(median(ours.map((t) => t.total + t.decode)));
      const stockMedian = r1(median(stockMs));
      rows.push({
        detector,
        photo: photo.name,
        kind: photo.kind,
        width: size[0]!,
        height: size[1]!,
        ...(photo.placed !== undefined ? { placedFaces: photo.placed } : {}),
        ours: { faces: oursFaces, medianMs },
        stock: { detector: stockKind, faces: stockFaces, medianMs: stockMedian },
        ratio: r3(stockMedian / medianMs.pipeline),
      });
      log(`A ${detector} ${photo.name}: ours ${oursFaces} faces ${medianMs.pipeline} ms (+${medianMs.decode} decode), stock ${stockKind} ${stockFaces} faces ${stockMedian} ms`);
    }
  }
  const summary = [];
  for (const detector of loaded.detectors) {
    for (const kind of ['sample', 'class photo'] as const) {
      const sel = rows.filter((r) => r.detector === detector && r.kind === kind);
      const oursMs = sel.reduce((n, r) => n + r.ours.medianMs.pipeline, 0);
      const stockMs = sel.reduce((n, r) => n + r.stock.medianMs, 0);
      summary.push({
        detector,
        photoType: kind === 'sample' ? 'six samples' : 'class photo',
        stockDetector: stockFor(detector),
        oursMs: r1(oursMs),
        stockMs: r1(stockMs),
        ratio: r3(stockMs / oursMs),
        oursFaces: sel.reduce((n, r) => n + r.ours.faces, 0),
        stockFaces: sel.reduce((n, r) => n + r.stock.faces, 0),
        placedFaces: kind === 'class photo' ? classPhoto.placed : undefined,
      });
    }
  }
  return {
    runs: RUNS,
    classPhoto: { width: classPhoto.width, height: classPhoto.height, placedFaces: classPhoto.placed, distinctFaces: classPhoto.distinct },
    rows,
    summary,
    tensorsLeaked: tf.memory().numTensors - tensorsBefore,
  };
}

// ---------------------------------------------------------------- Part B

interface ManifestRow {
  path: string;
  identity: string;
}

/** manifest.csv: path, split_or_folder, identity, kind (CRLF or LF, fields may be quoted). */
function parseManifest(text: string): ManifestRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0] ?? '');
  const col = (name: string) => header.indexOf(name);
  const [p, id, kind] = [col('path'), col('identity'), col('kind')];
  return lines
    .slice(1)
    .map(split)
    .filter((f) => f[kind] === 'identity' && f[id])
    .map((f) => ({ path: f[p]!, identity: f[id]! }));
}

/** First PEOPLE identities by name; per identity IMAGES_PER_PERSON images spread evenly over its sorted list. */
function selectImages(rows: ManifestRow[]): ManifestRow[] {
  const byId = new Map<string, ManifestRow[]>();
  for (const r of rows) byId.set(r.identity, [...(byId.get(r.identity) ?? []), r]);
  const ids = [...byId.keys()].sort(compareNames).slice(0, PEOPLE);
  return ids.flatMap((id) => {
    const list = byId.get(id)!.sort((a, b) => compareNames(a.path, b.path));
    if (list.length <= IMAGES_PER_PERSON) return list;
    const picks = new Set<number>();
    for (let k = 0; k < IMAGES_PER_PERSON; k++) picks.add(Math.round((k * (list.length - 1)) / (IMAGES_PER_PERSON - 1)));
    return [...picks].map((i) => list[i]!);
  });
}

/**
 * Variants compared on the same images (where all three found a face), then each detector chain on every image it found a face in.
 * ours: flip averaging off (the app's default); oursFlip: the same faces with flip averaging on.
 */
const COMMON = ['ours', 'oursFlip', 'stock'] as const;
const OWN = ['oursAllFound', 'stockAllFound'] as const;
type Variant = (typeof COMMON)[number] | (typeof OWN)[number];

interface Embedded {
  path: string;
  identity: string;
  ours?: { box: Box; descriptor: number[] };
  oursFlip?: { descriptor: number[] };
  stock?: { box: Box; descriptor: Float32Array };
}

const area = (b: Box) => b.width * b.height;
function largest<T extends { box: Box }>(faces: T[]): T | undefined {
  return faces.reduce<T | undefined>((best, f) => (!best || area(f.box) > area(best.box) ? f : best), undefined);
}

interface VerificationSummary {
  images: number;
  pairs: { genuine: number; impostor: number };
  auc: number;
  bestBalancedAccuracy: number;
  bestThreshold: number;
  tarAtFar1: number;
  tarAtFar1Threshold: number;
  tarAt06: number;
  farAt06: number;
  medianGenuine: number;
  medianImpostor: number;
}

function summarise(images: number, g: number[], im: number[]): VerificationSummary {
  const best = bestAccuracy(g, im, true);
  const tar = tarAtFar(g, im, TARGET_FAR);
  const at06 = ratesAt(g, im, STOCK_THRESHOLD);
  return {
    images,
    pairs: { genuine: g.length, impostor: im.length },
    auc: r4(rocAuc(g, im)),
    bestBalancedAccuracy: r4(best.accuracy),
    bestThreshold: r3(best.threshold),
    tarAtFar1: r4(tar.tar),
    tarAtFar1Threshold: r3(tar.threshold),
    tarAt06: r4(at06.tar),
    farAt06: r4(at06.far),
    medianGenuine: r3(median(g)),
    medianImpostor: r3(median(im)),
  };
}

/** Distances of all same-person pairs and the sampled different-person pairs of one list of descriptors. */
function pairDistances(items: { identity: string; descriptor: ArrayLike<number> }[]) {
  const { genuine, impostor } = buildPairs(items.map((it) => it.identity), MAX_IMPOSTORS, PAIR_SEED);
  const dist = ([i, j]: [number, number]) => euclidean(items[i]!.descriptor, items[j]!.descriptor);
  return { g: genuine.map(dist), i: impostor.map(dist) };
}

interface CollectionResult {
  collection: string;
  people: number;
  images: number;
  decodeFailed: { path: string; code: string }[];
  /** analyze() threw; the image counts as one where ours found no face. */
  oursErrors: { path: string; message: string }[];
  stockErrors: { path: string; message: string }[];
  noFace: { ours: number; stock: number };
  oursLostStockFound: string[];
  stockLostOursFound: string[];
  /** Our descriptor (flip off, as in the app) against stock's for the same face: how close our crop is to face-api's. */
  medianOursVsStockDistance: number;
  metrics: Record<Variant, VerificationSummary>;
}

async function partB(loaded: LoadedPipeline) {
  if (!existsSync(DATASETS)) {
    const reason = `${DATASETS} not found: Part B (verification quality) skipped.`;
    log(reason);
    return { skipped: reason };
  }
  const collections = (await readdir(DATASETS, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && existsSync(join(DATASETS, e.name, 'manifest.csv')))
    .map((e) => e.name)
    .sort(compareNames);

  const perCollection: CollectionResult[] = [];
  const pooled = Object.fromEntries([...COMMON, ...OWN].map((v) => [v, { images: 0, g: [] as number[], i: [] as number[] }])) as Record<Variant, { images: number; g: number[]; i: number[] }>;
  const timing = { ours: [] as number[], oursFlip: [] as number[], stock: [] as number[] };
  for (const name of collections) {
    const selected = selectImages(parseManifest(await readFile(join(DATASETS, name, 'manifest.csv'), 'utf8')));
    const items: Embedded[] = [];
    const decodeFailed: CollectionResult['decodeFailed'] = [];
    const oursErrors: CollectionResult['oursErrors'] = [];
    const stockErrors: CollectionResult['stockErrors'] = [];
    for (const row of selected) {
      let decoded;
      try {
        decoded = await decodeImageFile(new Uint8Array(await readFile(join(DATASETS, name, row.path))));
      } catch (err) {
        decodeFailed.push({ path: row.path, code: (err as { code?: string }).code ?? String(err) });
        continue;
      }
      const item: Embedded = { path: row.path, identity: row.identity };
      try {
        try {
          const plain = await loaded.pipeline.analyze(decoded.tensor, { detector: 'ssd', embed: true, flip: false });
          const withFlip = await loaded.pipeline.analyze(decoded.tensor, { detector: 'ssd', embed: true, flip: true });
          timing.ours.push(plain.timings.total);
          timing.oursFlip.push(withFlip.timings.total);
          const best = largest<Face>(plain.faces);
          if (best) {
            item.ours = { box: best.box, descriptor: best.descriptor! };
            // Detection does not depend on flip: the twin is the face at the same place.
            const twin = withFlip.faces.find((f) => iou(f.box, best.box) > 0.9);
            if (twin) item.oursFlip = { descriptor: twin.descriptor! };
          }
        } catch (err) {
          oursErrors.push({ path: row.path, message: (err as Error).message });
        }
        try {
          const stock = await runStock(decoded.tensor, 'ssd');
          timing.stock.push(stock.ms);
          const stockBest = largest(stock.faces);
          if (stockBest) item.stock = stockBest;
        } catch (err) {
          stockErrors.push({ path: row.path, message: (err as Error).message });
        }
      } finally {
        decoded.tensor.dispose();
      }
      items.push(item);
    }

    const common = items.filter((it) => it.ours && it.oursFlip && it.stock);
    const sameFace = common.filter((it) => iou(it.ours!.box, it.stock!.box) >= 0.5);
    const lists: Record<Variant, { identity: string; descriptor: ArrayLike<number> }[]> = {
      ours: common.map((it) => ({ identity: it.identity, descriptor: it.ours!.descriptor })),
      oursFlip: common.map((it) => ({ identity: it.identity, descriptor: it.oursFlip!.descriptor })),
      stock: common.map((it) => ({ identity: it.identity, descriptor: it.stock!.descriptor })),
      oursAllFound: items.filter((it) => it.ours).map((it) => ({ identity: it.identity, descriptor: it.ours!.descriptor })),
      stockAllFound: items.filter((it) => it.stock).map((it) => ({ identity: it.identity, descriptor: it.stock!.descriptor })),
    };
    const metrics = {} as Record<Variant, VerificationSummary>;
    for (const v of [...COMMON, ...OWN]) {
      const { g, i } = pairDistances(lists[v]);
      metrics[v] = summarise(lists[v].length, g, i);
      pooled[v].images += lists[v].length;
      pooled[v].g.push(...g);
      pooled[v].i.push(...i);
    }
    const entry: CollectionResult = {
      collection: name,
      people: new Set(selected.map((r) => r.identity)).size,
      images: selected.length,
      decodeFailed,
      oursErrors,
      stockErrors,
      noFace: { ours: items.filter((it) => !it.ours).length, stock: items.filter((it) => !it.stock).length },
      oursLostStockFound: items.filter((it) => !it.ours && it.stock).map((it) => it.path),
      stockLostOursFound: items.filter((it) => it.ours && !it.stock).map((it) => it.path),
      medianOursVsStockDistance: r3(median(sameFace.map((it) => euclidean(it.ours!.descriptor, it.stock!.descriptor)))),
      metrics,
    };
    perCollection.push(entry);
    log(`B ${name}: ${entry.images} images, no face ours ${entry.noFace.ours} (errors ${oursErrors.length}) / stock ${entry.noFace.stock}, lost by ours ${entry.oursLostStockFound.length}, AUC ours ${metrics.ours.auc} / with flip ${metrics.oursFlip.auc} / stock ${metrics.stock.auc}`);
  }
  const sum = (f: (c: CollectionResult) => number) => perCollection.reduce((n, c) => n + f(c), 0);
  const mean = (xs: number[]) => r1(xs.reduce((a, b) => a + b, 0) / (xs.length || 1));
  return {
    caps: { peoplePerCollection: PEOPLE, imagesPerPerson: IMAGES_PER_PERSON, maxImpostorPairsPerCollection: MAX_IMPOSTORS, pairSeed: PAIR_SEED },
    collections: perCollection,
    overall: {
      images: sum((c) => c.images),
      decodeFailed: sum((c) => c.decodeFailed.length),
      oursErrors: sum((c) => c.oursErrors.length),
      stockErrors: sum((c) => c.stockErrors.length),
      noFace: { ours: sum((c) => c.noFace.ours), stock: sum((c) => c.noFace.stock) },
      oursLostStockFound: sum((c) => c.oursLostStockFound.length),
      stockLostOursFound: sum((c) => c.stockLostOursFound.length),
      metrics: Object.fromEntries([...COMMON, ...OWN].map((v) => [v, summarise(pooled[v].images, pooled[v].g, pooled[v].i)])) as Record<Variant, VerificationSummary>,
      meanMsPerImage: { ours: mean(timing.ours), oursFlip: mean(timing.oursFlip), stock: mean(timing.stock) },
    },
  };
}

// ---------------------------------------------------------------- Part C

const EMULATED: Record<BrowserBackend, boolean> = { wasm: false, webgl: true, webgpu: true };
type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/** One backend, one of our detectors, one photo type: sums over the photos whose row completed on both sides. */
interface BrowserSummary {
  backend: BrowserBackend;
  detector: DetectorKind;
  photoType: 'six samples' | 'class photo';
  stockDetector: 'ssd' | 'tiny';
  photos: number;
  /** Photos where both ours and stock completed; the face counts are over these. */
  photosCompleted: number;
  /** Completed photos where neither side found 0 faces against WASM's some; the times and ratio are over these. */
  photosTimed: number;
  oursMs: Record<'decode' | 'detect' | 'landmarks' | 'align' | 'embed' | 'pipeline', number>;
  stockMs: number;
  /** stock ms / our ms without decoding, over the timed photos; NaN when none. */
  ratio: number;
  /** Over completed rows; -1 where a side never completed. */
  oursFaces: number;
  stockFaces: number;
  /** The same photos on Chromium's WASM backend (or Node, Part A, when WASM was not run in Chromium). */
  referenceFaces?: { source: string; ours: number; stock: number };
}

async function partC(photos: BenchPhoto[], nodeSpeed: Awaited<ReturnType<typeof partA>> | undefined) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const reason = `Chromium not found at ${chromium} (set CHROMIUM_PATH): Part C (speed in Chromium) skipped.`;
    log(reason);
    return { skipped: reason };
  }
  const runs: Record<BrowserBackend, number> = { wasm: BROWSER_RUNS, webgl: BROWSER_EMULATED_RUNS, webgpu: BROWSER_EMULATED_RUNS };
  const started = performance.now();
  let results: BrowserRun[];
  try {
    results = await runBrowserBench(
      photos.map((p) => ({ name: p.name, bytes: [...p.bytes] })),
      BROWSER_DETECTORS,
      runs,
      BROWSER_BACKENDS,
      { timeoutMs: BROWSER_TIMEOUT_S * 1000, log: (line) => log(`C ${line}`) },
    );
  } catch (err) {
    const reason = `Part C could not start: ${(err as Error).message.split('\n')[0]}`;
    log(reason);
    return { skipped: reason };
  }
  const kindOf = new Map(photos.map((p) => [p.name, p.kind]));
  const done = (r: BrowserRow) => r.ours.faces >= 0 && r.stock.faces >= 0 && Number.isFinite(r.ours.ms.total) && Number.isFinite(r.stock.ms.chain);
  const wasm = results.find((r) => r.backend === 'wasm');
  const reference = (detector: DetectorKind, photo: string): { source: string; ours: number; stock: number } | undefined => {
    const w = wasm?.rows.find((r) => r.detector === detector && r.image === photo);
    if (w && w.ours.faces >= 0 && w.stock.faces >= 0) return { source: 'Chromium WASM', ours: w.ours.faces, stock: w.stock.faces };
    const a = nodeSpeed?.rows.find((r) => r.detector === detector && r.photo === photo);
    return a ? { source: 'Node WASM', ours: a.ours.faces, stock: a.stock.faces } : undefined;
  };

  const summary: BrowserSummary[] = [];
  /** Everything that went wrong, in words, per backend: errors, rows never finished, faces lost against WASM. */
  const problems: { backend: BrowserBackend; text: string }[] = [];
  for (const run of results) {
    const backend = run.backend as BrowserBackend;
    if (run.error && run.error !== 'some rows failed (see rows)') problems.push({ backend, text: `the run stopped: ${run.error}` });
    const expected = photos.length * BROWSER_DETECTORS.length;
    if (run.rows.length < expected) problems.push({ backend, text: `${expected - run.rows.length} of ${expected} photo × detector rows never started` });
    // Errors that differ only in a number (a buffer size) are listed once.
    const byError = new Map<string, string[]>();
    for (const r of run.rows) {
      for (const [side, e] of [[`ours ${r.detector}`, r.ours.error], [`stock ${r.stock.detector}`, r.stock.error]] as const) {
        const key = e?.replace(/\(\d+\)/g, '(N)');
        if (key) byError.set(key, [...(byError.get(key) ?? []), `${side} on ${r.image}`]);
      }
      const ref = run.backend === 'wasm' ? undefined : reference(r.detector, r.image);
      if (ref) {
        if (r.ours.faces === 0 && ref.ours > 0) problems.push({ backend, text: `ours ${r.detector} found 0 faces in ${r.image} (${ref.source}: ${ref.ours})` });
        if (r.stock.faces === 0 && ref.stock > 0) problems.push({ backend, text: `stock ${r.stock.detector} found 0 faces in ${r.image} (${ref.source}: ${ref.stock})` });
      }
    }
    // The page's own reports first: a lost device explains the errors after it.
    for (const e of run.pageErrors) problems.push({ backend, text: `page reported: ${e}` });
    for (const [e, where] of byError) problems.push({ backend, text: `threw "${e}" in ${where.length} case(s): ${where.join('; ')}` });
    if (run.tensorsLeaked) problems.push({ backend, text: `${run.tensorsLeaked} tensors left after disposing` });

    for (const detector of BROWSER_DETECTORS) {
      for (const kind of ['sample', 'class photo'] as const) {
        const names = photos.filter((p) => p.kind === kind).map((p) => p.name);
        const rows = run.rows.filter((r) => r.detector === detector && kindOf.get(r.image) === kind);
        const ok = rows.filter(done);
        const timed = ok.filter((r) => {
          const ref = backend === 'wasm' ? undefined : reference(detector, r.image);
          return !ref || !((r.ours.faces === 0 && ref.ours > 0) || (r.stock.faces === 0 && ref.stock > 0));
        });
        const sum = (f: (r: BrowserRow) => number) => r1(timed.reduce((n, r) => n + f(r), 0));
        const oursMs = {
          decode: sum((r) => r.ours.ms.decode),
          detect: sum((r) => r.ours.ms.detect),
          landmarks: sum((r) => r.ours.ms.landmarks),
          align: sum((r) => r.ours.ms.align),
          embed: sum((r) => r.ours.ms.embed),
          pipeline: sum((r) => r.ours.ms.total),
        };
        const stockMs = sum((r) => r.stock.ms.chain);
        const refs = ok.map((r) => reference(detector, r.image));
        summary.push({
          backend,
          detector,
          photoType: kind === 'sample' ? 'six samples' : 'class photo',
          stockDetector: detector === 'tiny' ? 'tiny' : 'ssd',
          photos: names.length,
          photosCompleted: ok.length,
          photosTimed: timed.length,
          oursMs,
          stockMs,
          ratio: timed.length ? r3(stockMs / oursMs.pipeline) : NaN,
          oursFaces: ok.length ? ok.reduce((n, r) => n + r.ours.faces, 0) : -1,
          stockFaces: ok.length ? ok.reduce((n, r) => n + r.stock.faces, 0) : -1,
          ...(backend !== 'wasm' && ok.length && refs.every(Boolean)
            ? { referenceFaces: { source: refs[0]!.source, ours: refs.reduce((n, x) => n + x!.ours, 0), stock: refs.reduce((n, x) => n + x!.stock, 0) } }
            : {}),
        });
      }
    }
  }
  return {
    chromium,
    userAgent: results.find((r) => r.userAgent)?.userAgent ?? '',
    detectors: BROWSER_DETECTORS,
    backends: BROWSER_BACKENDS,
    runs,
    timeoutS: BROWSER_TIMEOUT_S,
    durationS: r1((performance.now() - started) / 1000),
    summary,
    problems,
    results,
  };
}

// ---------------------------------------------------------------- report

type Report = Awaited<ReturnType<typeof runAll>>;

const fmt = (v: number | undefined, digits = 3) => (v === undefined || Number.isNaN(v) ? '–' : v === Infinity ? '∞' : v.toFixed(digits));

function markdown(rep: Report): string {
  const m = rep.machine;
  const out: string[] = [];
  out.push('# Rollcall benchmark', '');
  out.push(`${m.date} · ${m.cpu} × ${m.cores} cores · ${m.memoryGiB} GiB · ${m.os} · Node ${m.node} · tfjs ${m.tfjs} · face-api ${m.faceApi}`, '');
  out.push(`Backend: **${m.backend}** (${m.backendReason}). Detectors measured: ${rep.detectors.join(', ')}.`);
  const un = Object.entries(rep.unavailable);
  if (un.length) out.push(`Left out: ${un.map(([k, v]) => `${k} (${v})`).join('; ')}.`);
  out.push(`Whole run: ${Math.round(rep.durationS)} s. Load average (1 min) ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end, on ${m.cores} cores.`, '');

  if (rep.partA) {
    const a = rep.partA;
    out.push('## A. Speed, Node WASM', '');
    out.push(
      `Median of ${a.runs} runs after one warm-up. Ours = \`analyze\` with the app's defaults (${DEFAULTS_TEXT}), decode timed separately. ` +
      `Stock = face-api's \`detectAllFaces(...).withFaceLandmarks().withFaceDescriptors()\` on the same decoded tensor: ${STOCK_OPTIONS.ssd.label} for our SSD and MTCNN rows, ${STOCK_OPTIONS.tiny.label} for our tiny rows. ` +
      `Ratio = stock ms / our ms without decoding (above 1: ours is faster). ` +
      `The class photo is ${a.classPhoto.width}×${a.classPhoto.height} with ${a.classPhoto.placedFaces} faces placed (${a.classPhoto.distinctFaces} crops of the faces our SSD finds in the samples, plus mirrored copies), built with tfjs ops and JPEG-encoded.`,
      '',
    );
    out.push('| detector | photo type | ours ms | stock ms | stock/ours | faces ours | faces stock | faces placed |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const s of a.summary) {
      out.push(`| ${s.detector} | ${s.photoType} | ${s.oursMs} | ${s.stockMs} (${s.stockDetector}) | **${fmt(s.ratio, 2)}** | ${s.oursFaces} | ${s.stockFaces} | ${s.placedFaces ?? '–'} |`);
    }
    out.push('', 'Per photo (median ms per stage):', '');
    out.push('| detector | photo | size | decode | detect | landmarks | align | embed | ours (no decode) | stock | stock/ours | faces ours / stock |');
    out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const r of a.rows) {
      const t = r.ours.medianMs;
      const placed = r.placedFaces !== undefined ? ` (of ${r.placedFaces})` : '';
      out.push(`| ${r.detector} | ${r.photo} | ${r.width}×${r.height} | ${t.decode} | ${t.detect} | ${t.landmarks} | ${t.align} | ${t.embed} | ${t.pipeline} | ${r.stock.medianMs} | ${fmt(r.ratio, 2)} | ${r.ours.faces} / ${r.stock.faces}${placed} |`);
    }
    out.push('', `Tensors left over after Part A: ${a.tensorsLeaked}.`, '');
  }

  if (rep.partB) {
    out.push('## B. Verification quality on ../shared/datasets', '');
    const b = rep.partB;
    if ('skipped' in b) {
      out.push(b.skipped!, '');
    } else {
      out.push(
        `Up to ${b.caps.peoplePerCollection} people per collection (first by name) and ${b.caps.imagesPerPerson} images per person (spread evenly over the sorted file list). ` +
        `Ours = SSD pipeline (\`analyze\` with flip averaging off, ${ANALYZE_DEFAULTS.flip ? 'not' : 'as'} in the app); "ours + flip" = the same with flip averaging on (each face embedded together with its mirror image, descriptors averaged); stock = face-api SSD chain (minConfidence 0.2); the largest face of each image is used. ` +
        `Pairs: every same-person pair and the different-person pairs within each collection (all, or a seeded sample of ${b.caps.maxImpostorPairsPerCollection}); "overall" pools the pairs of all collections. ` +
        `Accuracy is balanced (mean of same-person and different-person accuracy) at the best single threshold. TAR@FAR 1% is exact only with 100+ different-person pairs; with fewer it is the share of same-person pairs closer than every different-person pair. ` +
        `"Ours vs stock" is the median distance between our descriptor (flip off) and stock's for the same face (boxes overlapping by IoU ≥ 0.5): 0 would mean identical crops.`,
        '',
      );
      out.push('**Same images for all three** (only images where ours and stock both found a face):', '');
      out.push('| collection | images | no face ours / stock | **ours lost, stock found** | used | pairs same / diff | AUC ours / ours + flip / stock | best acc ours / ours + flip / stock | TAR@FAR1% ours / ours + flip / stock | ours vs stock |');
      out.push('|---|---:|---:|---:|---:|---:|---|---|---|---:|');
      const rowOf = (name: string, c: { images: number; noFace: { ours: number; stock: number }; lost: number; metrics: Record<Variant, VerificationSummary>; vs?: number }) => {
        const m = c.metrics;
        const trio = (k: 'auc' | 'bestBalancedAccuracy' | 'tarAtFar1', d: number) => `${fmt(m.ours[k], d)} / ${fmt(m.oursFlip[k], d)} / ${fmt(m.stock[k], d)}`;
        return `| ${name} | ${c.images} | ${c.noFace.ours} / ${c.noFace.stock} | ${c.lost} | ${m.ours.images} | ${m.ours.pairs.genuine} / ${m.ours.pairs.impostor} | ${trio('auc', 4)} | ${trio('bestBalancedAccuracy', 3)} | ${trio('tarAtFar1', 3)} | ${c.vs === undefined ? '–' : fmt(c.vs)} |`;
      };
      for (const c of b.collections) out.push(rowOf(c.collection, { ...c, lost: c.oursLostStockFound.length, vs: c.medianOursVsStockDistance }));
      out.push(rowOf('**overall**', { ...b.overall, lost: b.overall.oursLostStockFound }));
      out.push('', '**Each chain on every image it found a face in** (ours with flip off):', '');
      out.push('| collection | ours images | ours pairs same / diff | AUC ours | TAR@FAR1% ours | stock images | stock pairs same / diff | AUC stock | TAR@FAR1% stock |');
      out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
      const ownRow = (name: string, m: Record<Variant, VerificationSummary>) => {
        const o = m.oursAllFound;
        const st = m.stockAllFound;
        return `| ${name} | ${o.images} | ${o.pairs.genuine} / ${o.pairs.impostor} | ${fmt(o.auc, 4)} | ${fmt(o.tarAtFar1)} | ${st.images} | ${st.pairs.genuine} / ${st.pairs.impostor} | ${fmt(st.auc, 4)} | ${fmt(st.tarAtFar1)} |`;
      };
      for (const c of b.collections) out.push(ownRow(c.collection, c.metrics));
      out.push(ownRow('**overall**', b.overall.metrics));
      out.push('', 'Overall, thresholds and face-api\'s 0.6 rule:', '');
      out.push('| variant | images | AUC | best balanced acc | at distance | TAR@FAR1% | at distance | TAR / FAR at 0.6 | median distance same / diff |');
      out.push('|---|---:|---:|---:|---:|---:|---:|---|---|');
      const labels: Record<Variant, string> = {
        ours: `ours, flip off${ANALYZE_DEFAULTS.flip ? '' : ' = app default'} (same images)`,
        oursFlip: 'ours + flip (same images)',
        stock: 'stock (same images)',
        oursAllFound: 'ours, flip off (all it found)',
        stockAllFound: 'stock (all it found)',
      };
      for (const v of [...COMMON, ...OWN]) {
        const x = b.overall.metrics[v];
        out.push(`| ${labels[v]} | ${x.images} | ${fmt(x.auc, 4)} | ${fmt(x.bestBalancedAccuracy)} | ${fmt(x.bestThreshold)} | ${fmt(x.tarAtFar1)} | ${fmt(x.tarAtFar1Threshold)} | ${fmt(x.tarAt06)} / ${fmt(x.farAt06)} | ${fmt(x.medianGenuine)} / ${fmt(x.medianImpostor)} |`);
      }
      out.push('');
      out.push(`Images: ${b.overall.images}; failed to decode (skipped): ${b.overall.decodeFailed}; \`analyze\` threw: ${b.overall.oursErrors}; stock threw: ${b.overall.stockErrors}. Mean ms per image (detect to descriptor): ours ${b.overall.meanMsPerImage.ours}; ours + flip ${b.overall.meanMsPerImage.oursFlip}; stock ${b.overall.meanMsPerImage.stock}.`, '');
      const lost = b.collections.flatMap((c) => c.oursLostStockFound.map((p) => `\`${c.collection}/${p}\``));
      out.push(lost.length ? `Images where ours found no face but stock did: ${lost.join(', ')}.` : 'Ours found a face in every image where stock found one.', '');
      const errors = new Map<string, string[]>();
      for (const c of b.collections) for (const e of c.oursErrors) errors.set(e.message, [...(errors.get(e.message) ?? []), `\`${c.collection}/${e.path}\``]);
      for (const [msg, paths] of errors) out.push(`\`analyze\` threw "${msg}" on ${paths.length} image(s): ${paths.join(', ')}.`, '');
      const failed = b.collections.flatMap((c) => c.decodeFailed.map((f) => `\`${c.collection}/${f.path}\` (${f.code})`));
      if (failed.length) out.push(`Not decodable, skipped: ${failed.join(', ')}.`, '');
    }
  }

  if (rep.partC) {
    const c = rep.partC;
    out.push('## C. Speed in Chromium: WASM, and WebGL / WebGPU on SwiftShader', '');
    if ('skipped' in c) {
      out.push(c.skipped!, '');
    } else {
      const chrome = /Chrome\/([\d.]+)/.exec(c.userAgent)?.[1];
      out.push(
        `The Part A photos in headless Chromium${chrome ? ` ${chrome}` : ''} (${c.chromium}), served by Vite's dev server (bench/browser/index.html), one fresh browser per backend. ` +
          `Decoding is the app's \`decodeBlob\` (createImageBitmap and a canvas). Ours = \`analyze\` with the app's defaults (${DEFAULTS_TEXT}); stock = the same face-api chain and options as in Part A, on the same decoded tensor; the two alternate run by run. ` +
          `Median of ${c.runs.wasm} timed runs after one warm-up on WASM and ${c.runs.webgl} on WebGL/WebGPU. "Completed": both chains ran without throwing; face counts are summed over those photos. ` +
          `"Timed": completed, and neither chain found 0 faces where it found some on WASM; times and the ratio are summed over those only, since a chain that finds nothing skips most of its work. Ratio = stock ms / our ms without decoding (above 1: ours is faster). ` +
          `Limit per backend ${c.timeoutS} s; this part took ${Math.round(c.durationS)} s.`,
        '',
      );
      out.push(
        `**WebGL and WebGPU here run on SwiftShader, Chromium's CPU emulation of a GPU: this machine has no GPU. Their absolute times say nothing about a phone's GPU, and their faces and errors describe SwiftShader as much as our code. ` +
          `No real-GPU figures were taken: the GPU machine lent to this project has neither Node nor a browser.**`,
        '',
      );
      out.push(`Devices: ${c.results.map((r) => `${r.backend}: ${r.device ?? 'unknown'}`).join('; ')}.`, '');
      out.push('| backend | detector | photo type | photos completed / timed | decode | detect | landmarks | align | embed | ours ms | stock ms | stock/ours | faces ours / stock | WASM faces ours / stock |');
      out.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
      for (const x of c.summary) {
        const name = EMULATED[x.backend] ? `${x.backend} (SwiftShader)` : x.backend;
        const t = x.oursMs;
        const none = x.photosTimed === 0;
        const cell = (v: number) => (none ? '–' : String(v));
        const faces = x.photosCompleted ? `${x.oursFaces} / ${x.stockFaces}` : '–';
        const ref = x.referenceFaces;
        const lost = ref && (x.oursFaces < ref.ours || x.stockFaces < ref.stock);
        out.push(
          `| ${name} | ${x.detector} | ${x.photoType} | ${x.photosCompleted} / ${x.photosTimed} of ${x.photos} | ${cell(t.decode)} | ${cell(t.detect)} | ${cell(t.landmarks)} | ${cell(t.align)} | ${cell(t.embed)} | ${cell(t.pipeline)} | ${none ? '–' : `${x.stockMs} (${x.stockDetector})`} | ${none ? '–' : `**${fmt(x.ratio, 2)}**`} | ${lost ? `**${faces}**` : faces} | ${ref ? `${ref.ours} / ${ref.stock}` : '–'} |`,
        );
      }
      out.push('');
      if (c.problems.length) {
        out.push('**Problems** (a photo listed here is left out of the times above, and counted in "photos completed / timed"):', '');
        for (const p of c.problems) out.push(`- **${p.backend}**: ${p.text}`);
        out.push('');
      } else {
        out.push('No backend threw, and no backend found 0 faces where WASM found some.', '');
      }
      out.push('<details><summary>Per photo (median ms per stage)</summary>', '');
      out.push('| backend | detector | photo | decode | detect | landmarks | align | embed | ours (no decode) | stock | stock/ours | faces ours / stock | error |');
      out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
      for (const run of c.results) {
        for (const r of run.rows) {
          const t = r.ours.ms;
          const n = (v: number) => (Number.isFinite(v) ? String(v) : '–');
          const err = [r.ours.error && `ours: ${r.ours.error}`, r.stock.error && `stock: ${r.stock.error}`].filter(Boolean).join('; ');
          out.push(`| ${run.backend} | ${r.detector} | ${r.image} | ${n(t.decode)} | ${n(t.detect)} | ${n(t.landmarks)} | ${n(t.align)} | ${n(t.embed)} | ${n(t.total)} | ${n(r.stock.ms.chain)} (${r.stock.detector}) | ${fmt(r.stock.ms.chain / t.total, 2)} | ${r.ours.faces < 0 ? '–' : r.ours.faces} / ${r.stock.faces < 0 ? '–' : r.stock.faces} | ${err.replaceAll('|', '\\|') || ''} |`);
        }
      }
      out.push('', '</details>', '');
    }
  }

  out.push('## What this shows', '', whatThisShows(rep), '');
  return out.join('\n');
}

/** Sentences drawn from the measured figures only, so the paragraph stays true when the bench is rerun. */
function whatThisShows(rep: Report): string {
  const s: string[] = [];
  if (rep.partA) {
    const a = rep.partA;
    const m = rep.machine;
    const ratios = rep.detectors.map((d) => {
      const [six, cls] = ['six samples', 'class photo'].map((t) => a.summary.find((x) => x.detector === d && x.photoType === t));
      return `${d}${d === 'mtcnn' ? ' (against stock SSD)' : ''} ${fmt(six?.ratio, 2)} on the six samples and ${fmt(cls?.ratio, 2)} on the class photo`;
    });
    s.push(`Stock time divided by ours (above 1: ours is faster) is ${ratios.join('; ')}.`);
    const clsRows = a.rows.filter((r) => r.kind === 'class photo');
    if (clsRows.length) {
      const r = clsRows[0]!;
      const t = r.ours.medianMs;
      const stages = (['detect', 'landmarks', 'align', 'embed'] as const).map((k) => [k, t[k]] as const);
      const [top, topMs] = stages.reduce((a, b) => (b[1] > a[1] ? b : a));
      s.push(
        `On the class photo (${r.detector}, ${r.ours.faces} faces) our stages take ${stages.map(([k, v]) => `${k} ${v}`).join(', ')} of ${t.pipeline} ms, so ${top} is the largest share (${Math.round((100 * topMs) / t.pipeline)}%); ` +
          `with flip averaging ${ANALYZE_DEFAULTS.flip ? 'on' : 'off'} by default, ${ANALYZE_DEFAULTS.flip ? 'each face goes through the recognition net twice (stock: once)' : 'each face goes through the recognition net once, as in stock'}. Stock/ours there is ${fmt(r.ratio, 2)}.`,
      );
      s.push(`Of the ${a.classPhoto.placedFaces} faces placed there, ours found ${clsRows.map((x) => `${x.ours.faces} (${x.detector})`).join(', ')} and stock ${clsRows.map((x) => `${x.stock.faces} (stock ${x.stock.detector}, ${x.detector} row)`).join(', ')}.`);
    }
    const fewer = a.rows.filter((r) => r.kind === 'sample' && r.ours.faces < r.stock.faces);
    if (fewer.length) s.push(`On the samples ours found fewer faces than stock in ${fewer.map((r) => `${r.photo} with ${r.detector} (${r.ours.faces} vs ${r.stock.faces})`).join(', ')}.`);
    if (Math.max(m.loadAverageAtStart, m.loadAverageAtEnd) > m.cores * 0.75) {
      s.push(`Other work shared the machine during this run (load average up to ${Math.max(m.loadAverageAtStart, m.loadAverageAtEnd)} on ${m.cores} cores), so single timings are noisy; ours and stock alternate run by run, which keeps the ratios fairer than the absolute times.`);
    }
  }
  if (rep.partB && !('skipped' in rep.partB)) {
    const b = rep.partB;
    const o = b.overall.metrics;
    const cmp = (x: number, y: number) => (Math.abs(x - y) < 0.002 ? 'about the same as' : x > y ? 'higher than' : 'lower than');
    s.push(
      `On the ${o.ours.images} dataset images where both chains found a face, pooled AUC is ${fmt(o.ours.auc, 4)} for ours (flip off${ANALYZE_DEFAULTS.flip ? '' : ', the app default'}), ${fmt(o.oursFlip.auc, 4)} for ours + flip, and ${fmt(o.stock.auc, 4)} for stock ` +
      `(ours ${cmp(o.ours.auc, o.stock.auc)} stock; flip on ${cmp(o.oursFlip.auc, o.ours.auc)} flip off; TAR at 1% FAR ${fmt(o.ours.tarAtFar1)} / ${fmt(o.oursFlip.tarAtFar1)} / ${fmt(o.stock.tarAtFar1)}). ` +
      `Flip averaging costs time: mean ${b.overall.meanMsPerImage.ours} ms per image without it, ${b.overall.meanMsPerImage.oursFlip} ms with it (stock ${b.overall.meanMsPerImage.stock} ms).`,
    );
    const worse = b.collections.filter((c) => c.metrics.ours.auc < c.metrics.stock.auc - 0.002);
    if (worse.length) s.push(`Ours has a lower AUC than stock on ${worse.map((c) => `${c.collection} (${fmt(c.metrics.ours.auc, 4)} vs ${fmt(c.metrics.stock.auc, 4)}, TAR@FAR1% ${fmt(c.metrics.ours.tarAtFar1)} vs ${fmt(c.metrics.stock.tarAtFar1)})`).join(', ')}.`);
    const better = b.collections.filter((c) => c.metrics.ours.auc > c.metrics.stock.auc + 0.002);
    if (better.length) s.push(`It is higher on ${better.map((c) => `${c.collection} (${fmt(c.metrics.ours.auc, 4)} vs ${fmt(c.metrics.stock.auc, 4)})`).join(', ')}.`);
    const vs = b.collections.map((c) => c.medianOursVsStockDistance).filter((v) => Number.isFinite(v));
    if (vs.length) s.push(`For the same face, our descriptor and stock's differ by a median ${fmt(Math.min(...vs))}–${fmt(Math.max(...vs))} per collection, against a median same-person distance of ${fmt(o.ours.medianGenuine)}: our face crop is not face-api's, so a threshold tuned on stock descriptors has to be checked again on ours (at 0.6 ours gives TAR ${fmt(o.ours.tarAt06)}, FAR ${fmt(o.ours.farAt06)}; stock TAR ${fmt(o.stock.tarAt06)}, FAR ${fmt(o.stock.farAt06)}).`);
    const analysed = b.overall.images - b.overall.decodeFailed;
    s.push(`Ours found no face in ${b.overall.noFace.ours} of ${analysed} decoded images${b.overall.oursErrors ? ` (${b.overall.oursErrors} of them because \`analyze\` threw)` : ''} and stock in ${b.overall.noFace.stock}; ours lost ${b.overall.oursLostStockFound} face(s) that stock found${b.overall.oursLostStockFound ? ' (listed above; the goal is zero)' : ''}, stock lost ${b.overall.stockLostOursFound} that ours found. Counting every image each chain found, AUC is ${fmt(o.oursAllFound.auc, 4)} for ours over ${o.oursAllFound.images} images and ${fmt(o.stockAllFound.auc, 4)} for stock over ${o.stockAllFound.images}.`);
    s.push(`The collections are small (${o.ours.pairs.genuine} same-person pairs on the shared images), so AUC differences in the third decimal are within noise; per-collection TAR figures rest on a few dozen pairs.`);
  }
  if (rep.partC && !('skipped' in rep.partC)) {
    const c = rep.partC;
    const find = (b: string, d: DetectorKind, t: string) => c.summary.find((x) => x.backend === b && x.detector === d && x.photoType === t);
    const perBackend = c.backends.map((b) => {
      const parts = c.detectors.map((d) => {
        const [six, cls] = ['six samples', 'class photo'].map((t) => find(b, d, t));
        return `${d} ${fmt(six?.ratio, 2)} / ${fmt(cls?.ratio, 2)}`;
      });
      return `${b}${EMULATED[b] ? ' (SwiftShader)' : ''} ${parts.join(', ')}`;
    });
    s.push(`In Chromium, stock/ours on the six samples / the class photo is: ${perBackend.join('; ')} ("–": nothing completed).`);
    if (rep.partA) {
      const cmpNode = c.detectors.flatMap((d) => {
        const node = rep.partA!.summary.find((x) => x.detector === d && x.photoType === 'six samples');
        const chrome = find('wasm', d, 'six samples');
        return node && chrome && chrome.photosTimed === chrome.photos ? [`${d} ${chrome.oursMs.pipeline} ms in Chromium against ${node.oursMs} ms in Node`] : [];
      });
      if (cmpNode.length) s.push(`Our pipeline on WASM over the six samples (no decode): ${cmpNode.join(', ')}.`);
    }
    for (const b of c.backends) {
      const mine = c.problems.filter((p) => p.backend === b);
      if (!mine.length) continue;
      const zero = mine.filter((p) => p.text.includes('found 0 faces')).length;
      const threw = c.results.find((r) => r.backend === b)?.rows.filter((r) => r.ours.error || r.stock.error).length ?? 0;
      const timed = c.summary.filter((x) => x.backend === b).reduce((n, x) => n + x.photosTimed, 0);
      const all = c.summary.filter((x) => x.backend === b).reduce((n, x) => n + x.photos, 0);
      s.push(
        `${b}${EMULATED[b] ? ' on SwiftShader' : ''} gave usable times for ${timed} of ${all} photo × detector rows: ${zero} time(s) a chain found 0 faces where WASM found some, ${threw} row(s) where a chain threw (all listed under Problems).`,
      );
    }
    s.push('WebGL and WebGPU were measured on SwiftShader only; how fast either is on a phone GPU is not measured here.');
  }
  return s.length ? s.join(' ') : 'Nothing was measured in this run.';
}

// ---------------------------------------------------------------- main

async function runAll() {
  const started = performance.now();
  const loaded = await loadPipeline('wasm');
  try {
    await loadStock();
    const info = await machine(loaded);
    log(`${info.cpu} × ${info.cores}, backend ${info.backend}; detectors ${loaded.detectors.join(', ')}`);
    const bench = PARTS.includes('A') || PARTS.includes('C') ? await benchPhotos(loaded) : undefined;
    const a = PARTS.includes('A') ? await partA(loaded, bench!.photos, bench!.classPhoto) : undefined;
    const b = PARTS.includes('B') ? await partB(loaded) : undefined;
    const c = PARTS.includes('C') ? await partC(bench!.photos, a) : undefined;
    return {
      machine: { ...info, loadAverageAtEnd: r1(os.loadavg()[0]!) },
      detectors: loaded.detectors,
      unavailable: loaded.unavailable,
      stockOptions: { ssd: STOCK_OPTIONS.ssd.label, tiny: STOCK_OPTIONS.tiny.label },
      partA: a,
      partB: b,
      partC: c,
      classPhoto: bench && { width: bench.classPhoto.width, height: bench.classPhoto.height, placedFaces: bench.classPhoto.placed, distinctFaces: bench.classPhoto.distinct },
      durationS: (performance.now() - started) / 1000,
    };
  } finally {
    loaded.pipeline.dispose();
    for (const net of [faceapi.nets.ssdMobilenetv1, faceapi.nets.tinyFaceDetector, faceapi.nets.faceLandmark68Net, faceapi.nets.faceRecognitionNet]) {
      if (net.isLoaded) net.dispose();
    }
  }
}

const report = await runAll();
await mkdir(RESULTS, { recursive: true });
await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify({ ...report, durationS: r1(report.durationS) }, null, 2)}\n`);
await writeFile(join(RESULTS, 'latest.md'), markdown(report));
log(`wrote ${join(RESULTS, 'latest.json')} and latest.md in ${Math.round(report.durationS)} s`);
