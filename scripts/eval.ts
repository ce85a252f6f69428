/**
 * Recognition quality on folder-per-person photo collections: our classifier
 * (SVM + calibrated probability + open-set distance test) against face-api's
 * FaceMatcher (0.6) and plain nearest neighbour, on the same split in the same
 * run. Descriptors come from the app's own pipeline (SSD, largest face) and are
 * cached in node_modules/.cache/rollcall-eval/.
 *
 *   npx tsx scripts/eval.ts --data ../shared/datasets/orl_att_faces --enroll 5 --json out.json
 *   npx tsx scripts/eval.ts --all ../shared/datasets --augment     (writes bench/results/eval.{json,md})
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { trySetBackend } from '../src/ml/backend';
import { calibrateOpenSet } from '../src/ml/classifier/openset';
import { buildTrainingSet } from '../src/ml/classifier/trainingSet';
import { CURRENT_DESCRIPTOR } from '../src/ml/classifier/types';
import { parseArgs, USAGE, type EvalArgs } from './eval/args';
import { pooled, readCollection, spread } from './eval/datasets';
import { createEmbedder, type Embedder, type Variant } from './eval/embed';
import { methodMetrics, type Answer, type MethodMetrics } from './eval/metrics';
import { FACE_MATCHER_THRESHOLD, runFaceMatcher, runNearest, runOurs } from './eval/methods';
import { formatMarkdown } from './eval/report';
import { splitByFolders, splitPooled, type Photo, type Split } from './eval/split';

const ROOT = resolve(import.meta.dirname, '..');
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Per-collection settings for --all: which splits to use and how many photos a person can spare for enrolment. */
export const PRESETS: Record<string, Partial<Pick<EvalArgs, 'enroll' | 'enrollSplit' | 'testSplit' | 'strangerFolder'>>> = {
  five_celebrity: { enroll: 5, enrollSplit: ['train'], testSplit: ['val'] },
  orl_att_faces: { enroll: 5 },
  faceapi_bbt: { enroll: 3 },
  deepface_tests: { enroll: 2 },
  face_recognition_examples: { enroll: 2 },
  opencv4nodejs_walkingdead: { enroll: 2 },
  vladmandic_human_samples: { enroll: 2, strangerFolder: ['singles'] },
};

/** Augmentations used with --augment: two per photo keep a cold run of every collection near ten minutes on 2 cores. */
const EVAL_AUGMENTATIONS: Variant[] = ['rotate-left', 'smaller'];

export interface CollectionResult extends MethodMetrics {
  dataset: string;
  layout: string;
  splits: string;
  images: number;
  identities: number;
  noFace: number;
  enroll: number;
  enrolled: number;
  strangerIdentities: number;
  /** People with too few photos (with a face) to enrol and test, used as strangers. */
  tooFew: number;
  enrolPhotos: number;
  testPhotos: number;
  strangerPhotos: number;
  calibration: { mode: string; cvAccuracy: number | null; cvEce: number | null; estimatedFar: number; estimatedFrr: number; method: string };
  trainMs: number;
  classifyMsPerFace: number;
  augmented?: MethodMetrics & { extraPhotos: number; noFace: number; trainMs: number };
  baseline: { faceMatcher: MethodMetrics; nearestNeighbour: MethodMetrics; nearestNeighbourCalibrated: MethodMetrics };
  /** Answers kept for the pooled "overall" row; not written to JSON. */
  answers?: Record<'ours' | 'augmented' | 'faceMatcher' | 'nearestNeighbour' | 'nearestNeighbourCalibrated', Answer[]>;
}

async function embedAll(embedder: Embedder, byIdentity: Map<string, string[]>): Promise<{ photos: Map<string, Photo[]>; noFace: number; images: number }> {
  const photos = new Map<string, Photo[]>();
  let noFace = 0;
  let images = 0;
  for (const [identity, files] of byIdentity) {
    const list: Photo[] = [];
    for (const file of files) {
      images++;
      const e = await embedder.embed(file);
      if (e.descriptor) list.push({ identity, file, descriptor: e.descriptor });
      else noFace++;
    }
    if (list.length) photos.set(identity, list);
  }
  return { photos, noFace, images };
}

function capped(ids: Map<string, string[]>, args: Pick<EvalArgs, 'maxIdentities' | 'maxImages'>, keep?: Set<string>): Map<string, string[]> {
  const names = keep ? [...ids.keys()].filter((n) => keep.has(n)) : spread([...ids.keys()], args.maxIdentities);
  return new Map(names.map((n) => [n, spread(ids.get(n)!, args.maxImages)]));
}

export async function evaluateCollection(dir: string, args: EvalArgs, embedder: Embedder): Promise<CollectionResult> {
  const collection = await readCollection(dir);
  const enroll = args.enroll ?? 3;
  const opts = { enroll, strangers: args.strangers, seed: args.seed };
  let split: Split;
  let images: number;
  let noFace: number;
  let identities: number;
  if (args.enrollSplit.length) {
    const enrolPool = pooled(collection, args.enrollSplit);
    const names = new Set(spread([...new Set([...enrolPool.keys(), ...pooled(collection, args.testSplit).keys()])].sort(), args.maxIdentities));
    const a = await embedAll(embedder, capped(enrolPool, args, names));
    const b = await embedAll(embedder, capped(pooled(collection, args.testSplit), args, names));
    images = a.images + b.images;
    noFace = a.noFace + b.noFace;
    identities = names.size;
    split = splitByFolders(a.photos, b.photos, opts);
  } else {
    const pool = capped(pooled(collection), args);
    const a = await embedAll(embedder, pool);
    images = a.images;
    noFace = a.noFace;
    identities = pool.size;
    split = splitPooled(a.photos, opts);
  }
  for (const folder of args.strangerFolder) {
    const files = collection.loose.get(folder);
    if (!files) throw new Error(`No loose folder "${folder}" in ${dir}.`);
    const extra = await embedAll(embedder, new Map(files.map((f) => [`~${folder}/${basename(f)}`, [f]])));
    images += extra.images;
    noFace += extra.noFace;
    for (const list of extra.photos.values()) split.strangers.push(...list);
  }
  if (split.enrolled.length < 2) throw new Error(`${basename(dir)}: fewer than two people can be enrolled with --enroll ${enroll}.`);

  const ours = await runOurs(split, { seed: args.seed });
  const enrolSet = buildTrainingSet(
    split.enrol.map((p) => ({ label: p.identity, descriptor: p.descriptor })),
    [],
    { dimension: CURRENT_DESCRIPTOR.dimension },
  ).set;
  // Nearest neighbour with a threshold set the way ours is (1% FAR on enrolment impostors), to separate the SVM's share from the threshold's.
  const nnPoint = (await calibrateOpenSet(enrolSet, { k: 1, targetFar: 0.01 })).point;
  const answers: NonNullable<CollectionResult['answers']> = {
    ours: ours.answers,
    augmented: [],
    faceMatcher: runFaceMatcher(split),
    nearestNeighbour: runNearest(split, FACE_MATCHER_THRESHOLD),
    nearestNeighbourCalibrated: runNearest(split, nnPoint.threshold),
  };
  const classes = split.enrolled;
  const m = ours.model;
  const result: CollectionResult = {
    dataset: basename(dir),
    layout: collection.layout,
    splits: args.enrollSplit.length ? `${args.enrollSplit.join('+')} → ${args.testSplit.join('+')}` : [...collection.splits.keys()].filter(Boolean).join('+') || '(flat)',
    images,
    identities,
    noFace,
    enroll,
    enrolled: split.enrolled.length,
    strangerIdentities: split.strangerIds.length,
    tooFew: split.tooFew.length,
    enrolPhotos: split.enrol.length,
    testPhotos: split.test.length,
    strangerPhotos: split.strangers.length,
    ...methodMetrics(ours.answers, classes, m.openSet.point.threshold),
    calibration: {
      mode: m.meta.metrics.calibration,
      cvAccuracy: m.meta.metrics.cvAccuracy,
      cvEce: m.meta.metrics.cvEce,
      estimatedFar: m.openSet.point.estimatedFar,
      estimatedFrr: m.openSet.point.estimatedFrr,
      method: m.openSet.point.method,
    },
    trainMs: ours.trainMs,
    classifyMsPerFace: ours.classifyMs,
    baseline: {
      faceMatcher: methodMetrics(answers.faceMatcher, classes, FACE_MATCHER_THRESHOLD),
      nearestNeighbour: methodMetrics(answers.nearestNeighbour, classes, FACE_MATCHER_THRESHOLD),
      nearestNeighbourCalibrated: methodMetrics(answers.nearestNeighbourCalibrated, classes, nnPoint.threshold),
    },
    answers,
  };

  if (args.augment) {
    const extra: { label: string; descriptor: number[] }[] = [];
    let augNoFace = 0;
    for (const p of split.enrol) {
      for (const variant of EVAL_AUGMENTATIONS) {
        const e = await embedder.embed(p.file, variant);
        if (e.descriptor) extra.push({ label: p.identity, descriptor: e.descriptor });
        else augNoFace++;
      }
    }
    const aug = await runOurs(split, { seed: args.seed, extraSamples: extra });
    answers.augmented = aug.answers;
    result.augmented = { ...methodMetrics(aug.answers, classes, aug.model.openSet.point.threshold), extraPhotos: extra.length, noFace: augNoFace, trainMs: aug.trainMs };
  }
  return result;
}

function pooledRow(results: CollectionResult[]): Record<string, MethodMetrics> {
  const out: Record<string, MethodMetrics> = {};
  for (const key of ['ours', 'augmented', 'faceMatcher', 'nearestNeighbour', 'nearestNeighbourCalibrated'] as const) {
    const answers = results.flatMap((r) => (r.answers?.[key] ?? []).map((a) => ({ ...a, truth: a.truth === null ? null : `${r.dataset}/${a.truth}`, closed: `${r.dataset}/${a.closed}`, open: a.open === null ? null : `${r.dataset}/${a.open}` })));
    if (!answers.length) continue;
    const classes = results.flatMap((r) => (r.answers?.[key]?.length ? [...new Set(r.answers[key].filter((a) => a.truth !== null).map((a) => `${r.dataset}/${a.truth}`))] : []));
    out[key] = methodMetrics(answers, classes, NaN);
  }
  return out;
}

function round(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 10000) / 10000 : null;
  if (Array.isArray(value)) return value.map(round);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'answers').map(([k, v]) => [k, round(v)]));
  return value;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { args } = parsed;
  const t0 = performance.now();
  // The classifier needs a backend even when every descriptor comes from the cache and the pipeline never starts.
  if (!(await trySetBackend('wasm')) && !(await trySetBackend('cpu'))) throw new Error('No tfjs backend could start.');
  await tf.ready();
  const embedder = await createEmbedder({ cache: args.cache });
  try {
    let dirs: string[];
    if (args.all) {
      if (!existsSync(args.all)) throw new Error(`No folder ${args.all}.`);
      dirs = (await readdir(args.all, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => join(args.all!, e.name))
        .sort();
    } else {
      dirs = [args.data!];
    }
    const results: CollectionResult[] = [];
    for (const dir of dirs) {
      const preset = args.all ? (PRESETS[basename(dir)] ?? {}) : {};
      const runArgs: EvalArgs = { ...args, ...preset, ...(args.enroll !== undefined ? { enroll: args.enroll } : {}) };
      log(`${basename(dir)}: embedding and evaluating…`);
      try {
        const r = await evaluateCollection(dir, runArgs, embedder);
        results.push(r);
        log(
          `  ${r.enrolled} enrolled, ${r.strangerIdentities + r.tooFew} stranger people; accuracy ${r.closedSet.accuracy.toFixed(3)} (FaceMatcher ${r.baseline.faceMatcher.closedSet.accuracy.toFixed(3)}), ` +
            `FAR ${r.openSet.far.toFixed(3)} / FRR ${r.openSet.frr.toFixed(3)} (FaceMatcher ${r.baseline.faceMatcher.openSet.far.toFixed(3)} / ${r.baseline.faceMatcher.openSet.frr.toFixed(3)})`,
        );
      } catch (err) {
        log(`  skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (!results.length) throw new Error('Nothing could be evaluated.');
    const seconds = (performance.now() - t0) / 1000;
    const environment = {
      date: new Date().toISOString(),
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
      node: process.version,
      backend: tf.getBackend(),
      descriptor: CURRENT_DESCRIPTOR.version,
      seconds,
      imagesEmbedded: embedder.computed,
      options: { strangers: args.strangers, seed: args.seed, maxIdentities: args.maxIdentities, maxImages: args.maxImages, augment: args.augment ? EVAL_AUGMENTATIONS : [] },
    };
    const document = args.all
      ? { ...environment, collections: results, overall: pooledRow(results) }
      : { ...environment, ...results[0]! };
    const jsonPath = args.json ?? (args.all ? join(ROOT, 'bench/results/eval.json') : undefined);
    const mdPath = args.md ?? (args.all ? join(ROOT, 'bench/results/eval.md') : undefined);
    if (jsonPath) {
      await mkdir(dirname(jsonPath), { recursive: true });
      await writeFile(jsonPath, `${JSON.stringify(round(document), null, 2)}\n`);
      log(`Wrote ${jsonPath}`);
    }
    const md = formatMarkdown(results, pooledRow(results), environment);
    if (mdPath) {
      await mkdir(dirname(mdPath), { recursive: true });
      await writeFile(mdPath, md);
      log(`Wrote ${mdPath}`);
    }
    if (!jsonPath && !mdPath) console.log(md);
    log(`Done in ${seconds.toFixed(0)} s (${embedder.computed} images embedded, the rest from the cache).`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    embedder.dispose();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main(process.argv.slice(2));
}

