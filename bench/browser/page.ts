/**
 * Runs inside Chromium, driven by bench/runBrowserBench.ts: our pipeline and
 * face-api's stock chain on the same images, on one tfjs backend per page load.
 * Ours and stock alternate run by run (as in the Node part) so drift affects both alike.
 * Every row is caught on its own, so one failing stage on one backend still leaves
 * the other rows; the result object is also kept on `window.rollcallBenchPartial`
 * so the driver can read what was done if the page hangs.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as faceapi from '#faceapi';
import { fetchModelFile, loadWeightMap, type ModelManifest, type ModelName } from '../../src/ml/weights';
import { createFacePipeline, type FacePipeline } from '../../src/ml/pipeline';
import { decodeBlob } from '../../src/ml/worker/decodeBlob';
import type { BackendName, DetectorKind } from '../../src/ml/types';
import { scoreSvm } from '../../src/ml/classifier/svm';
import { trainSvm } from '../../src/ml/classifier/trainSvm';
import { syntheticPeople } from '../../src/ml/classifier/syntheticFaces';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

export interface BrowserImage { name: string; bytes: number[] }
export interface StageMs { decode: number; detect: number; landmarks: number; align: number; embed: number; total: number }
export type StockKind = 'ssd' | 'tiny';
/** One image and one of our detectors, with the stock chain it is compared with. ms are medians; -1 faces: it never completed. */
export interface BrowserRow {
  image: string;
  detector: DetectorKind;
  width: number;
  height: number;
  ours: { faces: number; ms: StageMs; error?: string };
  /** face-api's detectAllFaces().withFaceLandmarks().withFaceDescriptors(); chain = total - decode. */
  stock: { detector: StockKind; faces: number; ms: { decode: number; chain: number; total: number }; error?: string };
}
export interface BrowserRun {
  backend: BackendName;
  ok: boolean;
  error?: string;
  rows: BrowserRow[];
  /** Timed runs per row after one warm-up. */
  runs: number;
  userAgent: string;
  /** WebGL renderer or WebGPU adapter, to show what actually ran (SwiftShader here). */
  device?: string;
  /** Errors the page reported outside the awaited calls (uncaught, unhandled rejections). */
  pageErrors: string[];
  /** Tensors left after the pipeline and the stock nets were disposed. */
  tensorsLeaked?: number;
  loadMs?: number;
}

/** The stock options Part A uses in Node: SSD for our SSD and MTCNN rows, tiny with our tiny settings for tiny rows. */
const STOCK_FOR: Record<DetectorKind, StockKind> = { ssd: 'ssd', mtcnn: 'ssd', tiny: 'tiny' };
const stockOptions = (kind: StockKind) =>
  kind === 'tiny' ? new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.4 }) : new faceapi.SsdMobilenetv1Options({ minConfidence: 0.2 });

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round1 = (v: number) => Math.round(v * 10) / 10;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const say = (msg: string) => console.log(`[bench] ${msg}`);

async function deviceName(backend: BackendName): Promise<string | undefined> {
  try {
    if (backend === 'webgl') {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : undefined;
    }
    if (backend === 'webgpu') {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
      const info = (await gpu?.requestAdapter())?.info;
      return info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') : undefined;
    }
  } catch (err) {
    return `unknown (${message(err)})`;
  }
  return undefined;
}

const STOCK_NETS = () => [faceapi.nets.ssdMobilenetv1, faceapi.nets.tinyFaceDetector, faceapi.nets.faceLandmark68Net, faceapi.nets.faceRecognitionNet];

async function run(backend: BackendName, images: BrowserImage[], detectors: DetectorKind[], runs: number): Promise<BrowserRun> {
  const result: BrowserRun = { backend, ok: false, rows: [], runs, userAgent: navigator.userAgent, pageErrors: [] };
  (window as unknown as { rollcallBenchPartial: BrowserRun }).rollcallBenchPartial = result;
  window.addEventListener('error', (e) => result.pageErrors.push(e.message));
  window.addEventListener('unhandledrejection', (e) => result.pageErrors.push(message(e.reason)));
  let pipeline: FacePipeline | undefined;
  let tensorsBefore = 0;
  /** What was running, for the device-lost message. */
  let current = 'model loading';
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} is not available`);
    await tf.ready();
    result.device = await deviceName(backend);
    if (backend === 'wasm') {
      result.device = `CPU, WASM SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}, threads off`;
    }
    if (backend === 'webgpu') {
      // A lost device explains every later WebGPU error; record why it was lost.
      const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ reason?: string; message?: string }> } }).device;
      const since = performance.now();
      void device?.lost?.then((info) =>
        result.pageErrors.push(`WebGPU device lost ${Math.round(performance.now() - since)} ms after the backend started, during ${current} (${info.reason ?? 'no reason'}): ${info.message ?? ''}`.trim()),
      );
    }
    tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    const base = new URL('/models/', location.href).href;
    const manifest = (await (await fetch(new URL('manifest.json', base))).json()) as ModelManifest;
    const read = fetchModelFile(base);
    const maps: Partial<Record<ModelName, tf.NamedTensorMap>> = {};
    for (const m of [...detectors, 'landmarks68', 'recognition'] as ModelName[]) maps[m] = await loadWeightMap(manifest, m, read);
    pipeline = createFacePipeline(maps);
    const stockKinds = new Set(detectors.map((d) => STOCK_FOR[d]));
    if (stockKinds.has('ssd')) await faceapi.nets.ssdMobilenetv1.loadFromUri(base);
    if (stockKinds.has('tiny')) await faceapi.nets.tinyFaceDetector.loadFromUri(base);
    await faceapi.nets.faceLandmark68Net.loadFromUri(base);
    await faceapi.nets.faceRecognitionNet.loadFromUri(base);
    result.loadMs = round1(performance.now() - t0);
    say(`${backend}: models loaded in ${result.loadMs} ms on ${result.device ?? 'CPU'}`);

    for (const img of images) {
      const blob = new Blob([new Uint8Array(img.bytes)], { type: 'image/jpeg' });
      for (const detector of detectors) {
        const stockKind = STOCK_FOR[detector];
        const row: BrowserRow = {
          image: img.name,
          detector,
          width: 0,
          height: 0,
          ours: { faces: -1, ms: { decode: NaN, detect: NaN, landmarks: NaN, align: NaN, embed: NaN, total: NaN } },
          stock: { detector: stockKind, faces: -1, ms: { decode: NaN, chain: NaN, total: NaN } },
        };
        result.rows.push(row);
        current = `${detector} / stock ${stockKind} on ${img.name}`;
        const ours: StageMs[] = [];
        const stock: { decode: number; chain: number }[] = [];
        // Run 0 is the warm-up. A side that threw is not run again for this row.
        for (let i = 0; i <= runs; i++) {
          if (!row.ours.error) {
            try {
              const t1 = performance.now();
              const decoded = await decodeBlob(blob);
              const decode = performance.now() - t1;
              row.width = decoded.originalWidth;
              row.height = decoded.originalHeight;
              try {
                const r = await pipeline.analyze(decoded.tensor, { detector });
                row.ours.faces = r.faces.length;
                if (i > 0) ours.push({ decode, detect: r.timings.detect, landmarks: r.timings.landmarks, align: r.timings.align, embed: r.timings.embed, total: r.timings.total });
              } finally {
                decoded.tensor.dispose();
              }
            } catch (err) {
              row.ours.error = message(err);
            }
          }
          if (!row.stock.error) {
            try {
              const t1 = performance.now();
              const decoded = await decodeBlob(blob);
              const decode = performance.now() - t1;
              try {
                const t2 = performance.now();
                const found = await faceapi.detectAllFaces(decoded.tensor as never, stockOptions(stockKind)).withFaceLandmarks().withFaceDescriptors();
                const chain = performance.now() - t2;
                row.stock.faces = found.length;
                if (i > 0) stock.push({ decode, chain });
              } finally {
                decoded.tensor.dispose();
              }
            } catch (err) {
              row.stock.error = message(err);
            }
          }
        }
        if (ours.length) row.ours.ms = medianStages(ours);
        if (stock.length) {
          const decode = median(stock.map((s) => s.decode));
          const chain = median(stock.map((s) => s.chain));
          row.stock.ms = { decode: round1(decode), chain: round1(chain), total: round1(decode + chain) };
        }
        say(`${backend} ${detector} ${img.name}: ours ${row.ours.faces} faces ${row.ours.ms.total} ms${row.ours.error ? ` (error: ${row.ours.error})` : ''}; stock ${stockKind} ${row.stock.faces} faces ${row.stock.ms.chain} ms${row.stock.error ? ` (error: ${row.stock.error})` : ''}`);
      }
    }
    current = 'disposing';
    result.ok = result.rows.every((r) => !r.ours.error && !r.stock.error);
    if (!result.ok) result.error = 'some rows failed (see rows)';
  } catch (err) {
    result.error = message(err);
  } finally {
    try {
      pipeline?.dispose();
      for (const net of STOCK_NETS()) if (net.isLoaded) net.dispose();
      result.tensorsLeaked = tf.memory().numTensors - tensorsBefore;
    } catch (err) {
      result.pageErrors.push(`dispose: ${message(err)}`);
    }
  }
  return result;
}

/** Per-stage medians; total is the pipeline without decoding (as in Node's Part A). */
function medianStages(samples: StageMs[]): StageMs {
  const keys: (keyof StageMs)[] = ['decode', 'detect', 'landmarks', 'align', 'embed', 'total'];
  return Object.fromEntries(keys.map((k) => [k, round1(median(samples.map((s) => s[k])))])) as unknown as StageMs;
}

export interface TrainRow {
  classes: number;
  samples: number;
  ms: number;
  epochs: number;
  accuracy: number;
  error?: string;
}

/** The classifier's SVM trained on this backend, on the same synthetic data as bench/classifier.ts's Node part. */
async function trainBench(backend: BackendName, sizes: number[], options: { perClass: number; noiseSd: number; testPerClass: number }): Promise<{ backend: BackendName; device?: string; rows: TrainRow[]; error?: string }> {
  const rows: TrainRow[] = [];
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} is not available`);
    await tf.ready();
    const device = backend === 'wasm' ? 'CPU, WASM' : await deviceName(backend);
    for (const classes of sizes) {
      const people = syntheticPeople({ classes, perClass: options.perClass, seed: classes, noiseSd: options.noiseSd });
      try {
        say(`${backend}: training ${classes} students`);
        const t0 = performance.now();
        const model = await trainSvm(people.samples);
        const ms = performance.now() - t0;
        const test = people.centres.flatMap((_, i) => people.draw(i, options.testPerClass).map((d) => ({ d, label: `p${i}` })));
        const margins = await scoreSvm(model, test.map((t) => t.d));
        const right = margins.filter((row, i) => model.classes[row.indexOf(Math.max(...row))] === test[i]!.label).length;
        rows.push({ classes, samples: people.samples.length, ms, epochs: model.epochs, accuracy: right / test.length });
      } catch (err) {
        rows.push({ classes, samples: people.samples.length, ms: NaN, epochs: 0, accuracy: NaN, error: message(err) });
      }
    }
    return { backend, device, rows };
  } catch (err) {
    return { backend, rows, error: message(err) };
  }
}

(window as unknown as { rollcallBench: typeof run }).rollcallBench = run;
(window as unknown as { rollcallTrainBench: typeof trainBench }).rollcallTrainBench = trainBench;
document.getElementById('status')!.textContent = 'ready';
