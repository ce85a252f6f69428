/**
 * Classifier speed: training time for 100 / 1,000 / 5,000 students × 5
 * synthetic descriptors with our tfjs SVM (WASM backend) against libsvm-js
 * (linear C-SVC, one-vs-one, its WebAssembly build) on the same data, with
 * accuracy on held-out draws; then classification time per face with 10,000
 * students enrolled. Writes bench/results/classifier.{json,md}.
 *
 *   npx tsx bench/classifier.ts
 *
 * Environment knobs:
 *   BENCH_CLASSES        sizes to train (100,1000,5000)
 *   BENCH_LARGE_EPOCHS   epoch cap for our SVM above 1,000 students (30)
 *   BENCH_LIBSVM_BUDGET  seconds libsvm may be projected to take before a size is skipped (600)
 *   BENCH_CLASSIFY_N     students for the per-face timing (10000)
 *   BENCH_BROWSER        0 skips the Chromium training part
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { classify, prepareClassifier, trainClassifier } from '../src/ml/classifier/index';
import { onBenchPages } from './runBrowserBench';
import type { TrainRow as BrowserTrainRow } from './browser/page';
import { scoreSvm, type SvmOptions } from '../src/ml/classifier/svm';
import { trainSvm } from '../src/ml/classifier/trainSvm';
import { syntheticPeople, type SyntheticPeople } from '../src/ml/classifier/syntheticFaces';

const RESULTS = resolve(import.meta.dirname, 'results');
const PER_CLASS = 5;
const TEST_PER_CLASS = 2;
/** Photos of one person ~0.64 apart, people ~1.0 apart: harder than real enrolment photos, so accuracy is not always 1. */
const NOISE = 0.04;
const SIZES = (process.env.BENCH_CLASSES ?? '100,1000,5000').split(',').map(Number).filter((n) => n > 1);
const LARGE_EPOCHS = Number(process.env.BENCH_LARGE_EPOCHS ?? 30);
const LIBSVM_BUDGET_S = Number(process.env.BENCH_LIBSVM_BUDGET ?? 600);
const CLASSIFY_N = Number(process.env.BENCH_CLASSIFY_N ?? 10000);
/** libsvm predicts one face in tens of milliseconds at 1,000 students; accuracy on a sample keeps the run bounded. */
const LIBSVM_MAX_TEST = 400;

const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface LibSvmInstance {
  train(samples: number[][], labels: number[]): void;
  predict(samples: number[][]): number[];
  free(): void;
}
interface LibSvmClass {
  new (options: Record<string, unknown>): LibSvmInstance;
  KERNEL_TYPES: { LINEAR: number };
  SVM_TYPES: { C_SVC: number };
}

interface TrainRow {
  classes: number;
  samples: number;
  ours: { svmMs: number; epochs: number; accuracy: number; fullMs?: number; fullAccuracy?: number; options: Partial<SvmOptions> };
  libsvm: { trainMs: number; accuracy: number; predictMsPerFace: number; tested: number } | { skipped: string };
}

function testSet(people: SyntheticPeople, classes: number) {
  return Array.from({ length: classes }, (_, i) => people.draw(i, TEST_PER_CLASS).map((d) => ({ d, label: `p${i}`, index: i }))).flat();
}

async function oursAccuracy(model: Awaited<ReturnType<typeof trainSvm>>, test: ReturnType<typeof testSet>): Promise<number> {
  let right = 0;
  for (let start = 0; start < test.length; start += 2000) {
    const batch = test.slice(start, start + 2000);
    const margins = await scoreSvm(
      model,
      batch.map((t) => t.d),
    );
    margins.forEach((row, k) => {
      let best = 0;
      for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
      if (model.classes[best] === batch[k]!.label) right++;
    });
  }
  return right / test.length;
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const LibSvm = (await require('libsvm-js')) as LibSvmClass;
  const rows: TrainRow[] = [];
  let libsvmSeconds: { classes: number; s: number } | null = null;

  for (const classes of SIZES) {
    const people = syntheticPeople({ classes, perClass: PER_CLASS, seed: classes, noiseSd: NOISE });
    const test = testSet(people, classes);
    const options: Partial<SvmOptions> = classes > 1000 ? { epochs: LARGE_EPOCHS } : {};
    log(`${classes} students: our SVM…`);
    let t0 = performance.now();
    const model = await trainSvm(people.samples, options);
    const svmMs = performance.now() - t0;
    const row: TrainRow = {
      classes,
      samples: people.samples.length,
      ours: { svmMs, epochs: model.epochs, accuracy: await oursAccuracy(model, test), options },
      libsvm: { skipped: '' },
    };
    if (classes <= 1000) {
      log(`${classes} students: our full classifier (5-fold calibration + open set)…`);
      t0 = performance.now();
      const full = await trainClassifier(people.samples, { svm: options });
      row.ours.fullMs = performance.now() - t0;
      const out = await classify(
        full,
        test.map((t) => t.d),
      );
      row.ours.fullAccuracy = out.filter((r, i) => r.candidate === test[i]!.label).length / test.length;
    }

    // One-vs-one trains C(C−1)/2 pairs, so time grows with the square of the number of students.
    const projected = libsvmSeconds ? libsvmSeconds.s * (classes / libsvmSeconds.classes) ** 2 : 0;
    if (projected > LIBSVM_BUDGET_S) {
      row.libsvm = { skipped: `projected ${Math.round(projected)} s from ${libsvmSeconds!.classes} students (budget ${LIBSVM_BUDGET_S} s)` };
    } else {
      log(`${classes} students: libsvm-js…`);
      const svm = new LibSvm({ kernel: LibSvm.KERNEL_TYPES.LINEAR, type: LibSvm.SVM_TYPES.C_SVC, cost: 1, quiet: true });
      try {
        t0 = performance.now();
        svm.train(
          people.samples.map((s) => Array.from(s.descriptor)),
          people.samples.map((s) => Number(s.label.slice(1))),
        );
        const trainMs = performance.now() - t0;
        libsvmSeconds = { classes, s: trainMs / 1000 };
        const sample = test.length > LIBSVM_MAX_TEST ? test.filter((_, i) => i % Math.ceil(test.length / LIBSVM_MAX_TEST) === 0) : test;
        t0 = performance.now();
        const predicted = svm.predict(sample.map((t) => t.d));
        const predictMs = performance.now() - t0;
        row.libsvm = {
          trainMs,
          accuracy: predicted.filter((p, i) => p === sample[i]!.index).length / sample.length,
          predictMsPerFace: predictMs / sample.length,
          tested: sample.length,
        };
      } catch (err) {
        // Emscripten's abort text runs to several sentences of build advice; its first clause is the reason.
        const message = (err instanceof Error ? err.message : String(err)).replace(/^abort\("?/, '').split(/\. | Either/)[0];
        row.libsvm = { skipped: `failed: ${message}` };
      } finally {
        svm.free();
      }
    }
    rows.push(row);
    log(`  ${JSON.stringify(row)}`);
  }

  log(`${CLASSIFY_N} students: classification time per face…`);
  const big = syntheticPeople({ classes: CLASSIFY_N, perClass: PER_CLASS, seed: 99, noiseSd: NOISE });
  let t0 = performance.now();
  // The least-squares start alone (0 epochs): this part times classification, not training.
  const model = await trainClassifier(big.samples, { svm: { epochs: 0 }, folds: 0 });
  const buildMs = performance.now() - t0;
  const faces = Array.from({ length: 30 }, (_, i) => big.draw(i * 37, 1)[0]!);
  await classify(model, faces.slice(0, 1));
  const timings: Record<string, number> = {};
  for (const [name, batch, assignment] of [
    ['one face', 1, 'independent'],
    ['30 faces, independent', 30, 'independent'],
    ['30 faces, one-to-one over all students', 30, 'one-to-one'],
  ] as const) {
    const runs = batch === 1 ? 10 : 3;
    t0 = performance.now();
    for (let r = 0; r < runs; r++) await classify(model, faces.slice(0, batch), { assignment });
    timings[name] = (performance.now() - t0) / runs / batch;
  }
  const rosterMs = (() => {
    const roster = Array.from({ length: 30 }, (_, i) => `p${i * 37}`);
    return async () => {
      t0 = performance.now();
      for (let r = 0; r < 3; r++) await classify(model, faces, { roster });
      return (performance.now() - t0) / 3 / faces.length;
    };
  })();
  timings['30 faces, roster of 30'] = await rosterMs();

  // As the worker does: the model is prepared once per session (weights kept on the backend).
  const prepared = prepareClassifier(model);
  await prepared.classify(faces.slice(0, 1));
  for (const [name, batch] of [['one face, prepared', 1], ['30 faces, independent, prepared', 30]] as const) {
    const runs = batch === 1 ? 20 : 3;
    t0 = performance.now();
    for (let r = 0; r < runs; r++) await prepared.classify(faces.slice(0, batch), { assignment: 'independent' });
    timings[name] = (performance.now() - t0) / runs / batch;
  }
  prepared.dispose();

  const browser = process.env.BENCH_BROWSER === '0' ? [] : await browserTraining();

  const document = {
    date: new Date().toISOString(),
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
    node: process.version,
    backend: tf.getBackend(),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    data: { perClass: PER_CLASS, testPerClass: TEST_PER_CLASS, dimension: 128, noiseSd: NOISE },
    training: rows,
    classify: { classes: CLASSIFY_N, gallery: big.samples.length, modelBuildMs: buildMs, msPerFace: timings },
    browser,
    seconds: (performance.now() - started) / 1000,
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, 'classifier.json'), `${JSON.stringify(document, null, 2)}\n`);
  await writeFile(join(RESULTS, 'classifier.md'), markdown(document));
  log(`Wrote ${join(RESULTS, 'classifier.json')} and classifier.md in ${document.seconds.toFixed(0)} s`);
}

type BrowserTraining = { backend: string; device?: string; rows: BrowserTrainRow[]; error?: string };

/** The same SVM training in Chromium on each tfjs backend it offers (here the GPU ones run on SwiftShader, a CPU emulation). */
async function browserTraining(): Promise<BrowserTraining[]> {
  const sizes = SIZES.filter((n) => n <= 1000);
  log(`Chromium: SVM training on wasm, webgl, webgpu for ${sizes.join(', ')} students…`);
  return onBenchPages<BrowserTraining>(
    ['wasm', 'webgl', 'webgpu'],
    (page, backend) =>
      page.evaluate(
        ([b, n, o]) => (window as unknown as { rollcallTrainBench: (...a: unknown[]) => Promise<BrowserTraining> }).rollcallTrainBench(b, n, o),
        [backend, sizes, { perClass: PER_CLASS, noiseSd: NOISE, testPerClass: TEST_PER_CLASS }] as const,
      ),
    async (backend, error) => ({ backend, rows: [], error }),
    { timeoutMs: 5 * 60_000, log },
  );
}

function markdown(doc: {
  date: string;
  cpu: string;
  node: string;
  backend: string;
  simd: boolean;
  threads: boolean;
  training: TrainRow[];
  classify: { classes: number; gallery: number; modelBuildMs: number; msPerFace: Record<string, number> };
  browser: BrowserTraining[];
  seconds: number;
}): string {
  const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
  const lines = [
    '# Classifier benchmark',
    '',
    `${doc.date} · ${doc.cpu} · Node ${doc.node} · tfjs ${doc.backend} (SIMD ${doc.simd ? 'on' : 'off'}, threads ${doc.threads ? 'on' : 'off'}) · whole run ${doc.seconds.toFixed(0)} s`,
    '',
    `Synthetic 128-D descriptors: ${PER_CLASS} per student for training, ${TEST_PER_CLASS} fresh ones per student for accuracy (photos of one person about 0.64 apart, people about 1.0 apart). ` +
      'Ours = `trainSvm` (one-vs-rest squared hinge, least-squares start, full-batch Adam, stopping when the loss settles or the refinement work cap of `SVM_DEFAULTS.workBudget` is spent); "full" = `trainClassifier` (the SVM plus 5 cross-validation SVMs for calibration plus the open-set threshold). ' +
      'libsvm-js = linear C-SVC (cost 1), its WebAssembly build, which trains one-vs-one.',
    '',
    '| students | samples | ours: SVM train | epochs | accuracy | ours: full train | accuracy | libsvm-js train | accuracy | libsvm-js predict / face |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of doc.training) {
    const l = 'skipped' in r.libsvm ? null : r.libsvm;
    lines.push(
      `| ${r.classes} | ${r.samples} | ${s(r.ours.svmMs)} | ${r.ours.epochs}${r.ours.options.epochs ? ` (cap ${r.ours.options.epochs})` : ''} | ${r.ours.accuracy.toFixed(3)} | ${r.ours.fullMs === undefined ? '–' : s(r.ours.fullMs)} | ${r.ours.fullAccuracy === undefined ? '–' : r.ours.fullAccuracy.toFixed(3)} | ` +
        `${l ? s(l.trainMs) : `not run: ${(r.libsvm as { skipped: string }).skipped}`} | ${l ? `${l.accuracy.toFixed(3)} (${l.tested} faces)` : '–'} | ${l ? `${l.predictMsPerFace.toFixed(2)} ms` : '–'} |`,
    );
  }
  lines.push('', `Classification with ${doc.classify.classes} students enrolled (${doc.classify.gallery} gallery descriptors; model built in ${s(doc.classify.modelBuildMs)}):`, '');
  lines.push('| case | ms per face |', '|---|---:|');
  for (const [k, v] of Object.entries(doc.classify.msPerFace)) lines.push(`| ${k} | ${v.toFixed(2)} |`);
  if (doc.browser.length) {
    lines.push('', 'SVM training in Chromium, per tfjs backend, on the same synthetic data (ratio = Chromium time ÷ Node WASM time above, same run). WebGL and WebGPU run on SwiftShader here (no GPU): their times say nothing of a real GPU.', '');
    lines.push('| backend | device | students | train | epochs | accuracy | ÷ Node WASM |', '|---|---|---:|---:|---:|---:|---:|');
    for (const b of doc.browser) {
      if (!b.rows.length) lines.push(`| ${b.backend} | ${b.device ?? '–'} | – | failed: ${b.error ?? 'no rows'} | | | |`);
      for (const r of b.rows) {
        const node = doc.training.find((t) => t.classes === r.classes)?.ours.svmMs;
        lines.push(
          r.error
            ? `| ${b.backend} | ${b.device ?? '–'} | ${r.classes} | failed: ${r.error} | | | |`
            : `| ${b.backend} | ${b.device ?? '–'} | ${r.classes} | ${s(r.ms)} | ${r.epochs} | ${r.accuracy.toFixed(3)} | ${node ? (r.ms / node).toFixed(2) : '–'} |`,
        );
      }
    }
  }
  lines.push('');
  return lines.join('\n');
}

await main();
