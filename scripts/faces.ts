/**
 * Detect or embed faces in image files from the command line, with the same
 * pipeline the app runs in the browser (here on the WASM backend).
 *
 *   npm run faces -- detect <image|dir>... [--detector mtcnn|ssd|tiny] [--json]
 *   npm run faces -- embed  <image|dir>... --json
 */
import { readFile } from 'node:fs/promises';
import { decodeImageFile } from '../src/ml/node/decodeImageFile';
import { ANALYZE_DEFAULTS } from '../src/ml/pipeline';
import { PipelineError, type DetectorKind } from '../src/ml/types';
import { parseArgs, USAGE, type CliOptions } from './faces/args';
import { collectInputs, type InputImage } from './faces/walk';
import { exitCode, formatTable, toJsonFace, toJsonTimings, type FacesDocument, type ImageEntry } from './faces/format';
import { loadPipeline, type LoadedPipeline } from './faces/loadPipeline';

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof PipelineError) return { code: err.code, message: err.message };
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return { code: 'not-found', message: 'No such file.' };
  if (e?.code === 'EISDIR' || e?.code === 'EACCES' || e?.code === 'EPERM') return { code: 'unreadable', message: e.message };
  return { code: 'failed', message: e instanceof Error ? e.message : String(err) };
}

async function processImage(loaded: LoadedPipeline, options: CliOptions, detector: DetectorKind, input: InputImage): Promise<ImageEntry> {
  const who = input.person !== undefined ? { person: input.person } : {};
  try {
    const bytes = await readFile(input.file);
    const t0 = performance.now();
    const decoded = await decodeImageFile(bytes);
    const decodeMs = performance.now() - t0;
    try {
      const result = await loaded.pipeline.analyze(decoded.tensor, {
        detector,
        embed: options.command === 'embed',
        flip: options.flip,
      });
      return {
        file: input.file,
        ...who,
        width: decoded.originalWidth,
        height: decoded.originalHeight,
        faces: result.faces.map((f) => toJsonFace(f, decoded.scale)),
        timings: toJsonTimings(decodeMs, result.timings),
      };
    } finally {
      decoded.tensor.dispose();
    }
  } catch (err) {
    return { file: input.file, ...who, error: errorOf(err) };
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    console.error(`${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { options } = parsed;
  const detector = options.detector ?? ANALYZE_DEFAULTS.detector;

  const inputs = await collectInputs(options.inputs);
  if (!inputs.length) {
    console.error('No images found (directories are searched for .jpg, .jpeg and .png files).');
    return 1;
  }

  const loaded = await loadPipeline(options.backend);
  try {
    if (!loaded.detectors.includes(detector)) {
      const why = loaded.unavailable[detector] ?? 'not loaded';
      console.error(`The ${detector} detector is not available: ${why}\nAvailable: ${loaded.detectors.join(', ') || 'none'}.`);
      return 1;
    }
    if (!options.json) {
      console.log(`Backend: ${loaded.backend} (${loaded.backendReason})`);
      for (const [kind, why] of Object.entries(loaded.unavailable)) console.error(`(The ${kind} detector is unavailable: ${why})`);
    }

    const doc: FacesDocument = { backend: loaded.backend, backendReason: loaded.backendReason, detector, images: [] };
    for (const input of inputs) {
      const entry = await processImage(loaded, options, detector, input);
      doc.images.push(entry);
      if (!options.json && process.stderr.isTTY) process.stderr.write(`\r${doc.images.length}/${inputs.length}`);
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify(doc)}\n`);
    } else {
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      // formatTable repeats the backend line first; it was already printed before the (slow) run.
      console.log(formatTable(doc).split('\n').slice(1).join('\n'));
    }
    return exitCode(doc.images);
  } finally {
    loaded.pipeline.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
