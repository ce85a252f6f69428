/**
 * Runs inside Chromium, driven by bench/browser.ts: our pipeline and face-api's
 * stock chain on the same images, on one tfjs backend per page load.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as faceapi from '#faceapi';
import { fetchModelFile, loadWeightMap, type ModelManifest, type ModelName } from '../../src/ml/models';
import { createFacePipeline } from '../../src/ml/pipeline';
import { decodeBlob } from '../../src/ml/worker/decodeBlob';
import type { BackendName, DetectorKind } from '../../src/ml/types';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

export interface BrowserImage { name: string; bytes: number[] }
export interface StageMs { decode: number; detect: number; landmarks: number; align: number; embed: number; total: number }
export interface BrowserRow { image: string; detector: DetectorKind | 'stock-ssd'; faces: number; ms: StageMs }
export interface BrowserRun { backend: BackendName; ok: boolean; error?: string; rows: BrowserRow[]; userAgent: string }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(backend: BackendName, images: BrowserImage[], detectors: DetectorKind[], runs: number): Promise<BrowserRun> {
  const result: BrowserRun = { backend, ok: false, rows: [], userAgent: navigator.userAgent };
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} is not available`);
    await tf.ready();
    const base = new URL('/models/', location.href).href;
    const manifest = (await (await fetch(new URL('manifest.json', base))).json()) as ModelManifest;
    const read = fetchModelFile(base);
    const maps: Partial<Record<ModelName, tf.NamedTensorMap>> = {};
    for (const m of [...detectors, 'landmarks68', 'recognition'] as ModelName[]) maps[m] = await loadWeightMap(manifest, m, read);
    const pipeline = createFacePipeline(maps);
    await faceapi.nets.ssdMobilenetv1.loadFromUri(base);
    await faceapi.nets.faceLandmark68Net.loadFromUri(base);
    await faceapi.nets.faceRecognitionNet.loadFromUri(base);
    const stockOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 });

    for (const img of images) {
      const blob = new Blob([new Uint8Array(img.bytes)], { type: 'image/jpeg' });
      for (const detector of detectors) {
        const samples: StageMs[] = [];
        let faces = 0;
        for (let i = 0; i <= runs; i++) {
          const t0 = performance.now();
          const decoded = await decodeBlob(blob);
          const decode = performance.now() - t0;
          const r = await pipeline.analyze(decoded.tensor, { detector });
          decoded.tensor.dispose();
          faces = r.faces.length;
          if (i > 0) samples.push({ decode, ...r.timings, total: r.timings.total + decode });
        }
        result.rows.push({ image: img.name, detector, faces, ms: medianStages(samples) });
      }
      const stock: StageMs[] = [];
      let stockFaces = 0;
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        const decoded = await decodeBlob(blob);
        const decode = performance.now() - t0;
        const t1 = performance.now();
        const found = await faceapi.detectAllFaces(decoded.tensor as never, stockOptions).withFaceLandmarks().withFaceDescriptors();
        const chain = performance.now() - t1;
        decoded.tensor.dispose();
        stockFaces = found.length;
        if (i > 0) stock.push({ decode, detect: 0, landmarks: 0, align: 0, embed: 0, total: decode + chain });
      }
      result.rows.push({ image: img.name, detector: 'stock-ssd', faces: stockFaces, ms: medianStages(stock) });
    }
    pipeline.dispose();
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}

function medianStages(samples: StageMs[]): StageMs {
  const keys: (keyof StageMs)[] = ['decode', 'detect', 'landmarks', 'align', 'embed', 'total'];
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))])) as unknown as StageMs;
}

(window as unknown as { rollcallBench: typeof run }).rollcallBench = run;
document.getElementById('status')!.textContent = 'ready';
