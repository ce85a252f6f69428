/**
 * detect → landmarks → align → embed for every face of one photo. Each stage
 * after detection runs as one batched forward pass over all faces.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnalyzeResult, BackendName, Detection, DetectorKind, Face } from './types';
import { PipelineError } from './types';
import type { ModelName } from './weights';
import { createDetector, type FaceDetector } from './detector';
import { createLandmarkModel, type LandmarkModel } from './landmarks';
import { alignmentFromLandmarks, cropAligned } from './align';
import { createEmbedder, type Embedder } from './embedder';
import { assessQuality, pixelStats } from './quality';
import { mergeTileDetections, tileGrid } from './detector/tiles';
import { findAlignedPortrait, PORTRAIT_MAX_SIDE, type DetectionFallback, type PortraitDetection } from './detector/alignedPortrait';

export interface AnalyzeOptions {
  detector: DetectorKind;
  /** Compute descriptors (enrolment, recognition) or stop after quality (preview). */
  embed: boolean;
  /**
   * Average each descriptor with its mirror image's. Off by default: in
   * `npm run bench` it did not raise the verification AUC and doubles the embed time.
   */
  flip: boolean;
  /** Look again in overlapping tiles when faces are small relative to the photo (group photos). */
  tiling: 'auto' | 'off';
}

export const ANALYZE_DEFAULTS: AnalyzeOptions = { detector: 'ssd', embed: true, flip: false, tiling: 'auto' };

/** A face as analyze returns it; `fallback` says it was not found by a detector, so quality checks can treat it with care. */
export interface PipelineFace extends Face {
  fallback?: DetectionFallback;
}

export interface PipelineResult extends AnalyzeResult {
  faces: PipelineFace[];
}

export interface FacePipeline {
  analyze(image: tf.Tensor3D, options?: Partial<AnalyzeOptions>): Promise<PipelineResult>;
  /** Detection only, with the same padding, fallback and tiling rules as analyze. */
  detect(image: tf.Tensor3D, kind: DetectorKind): Promise<(Detection | PortraitDetection)[]>;
  readonly detectors: DetectorKind[];
  dispose(): void;
}

export type WeightMaps = Partial<Record<ModelName, tf.NamedTensorMap>>;

/** Images whose longer side is at most this are padded before detection (tight passport-style crops). */
const SMALL_IMAGE = 400;
/** Tiles are used when the median face is narrower than this share of the photo's longer side. */
const SMALL_FACE_SHARE = 0.06;
const TILE_MIN_SIDE = 1280;

export function createFacePipeline(weights: WeightMaps): FacePipeline {
  if (!weights.landmarks68 || !weights.recognition) {
    throw new PipelineError('models-not-loaded', 'The landmark and recognition models must be loaded first.');
  }
  const detectors: Partial<Record<DetectorKind, FaceDetector>> = {};
  for (const kind of ['ssd', 'tiny', 'mtcnn'] as const) {
    const w = weights[kind];
    if (w) detectors[kind] = createDetector(kind, w);
  }
  const landmarks: LandmarkModel = createLandmarkModel(weights.landmarks68);
  const embedder: Embedder = createEmbedder(weights.recognition);

  async function detectPadded(image: tf.Tensor3D, detector: FaceDetector): Promise<Detection[]> {
    const [h, w] = image.shape;
    const padY = Math.round(h / 2);
    const padX = Math.round(w / 2);
    const padded = tf.pad(image, [[padY, padY], [padX, padX], [0, 0]]);
    try {
      const found = await detector.detect(padded);
      return found.map((d) => ({
        ...d,
        box: { ...d.box, x: d.box.x - padX, y: d.box.y - padY },
        points5: d.points5?.map((p) => ({ x: p.x - padX, y: p.y - padY })),
      }));
    } finally {
      padded.dispose();
    }
  }

  async function detectTiles(image: tf.Tensor3D, detector: FaceDetector): Promise<Detection[]> {
    const [h, w] = image.shape;
    const out: Detection[] = [];
    for (const { x, y, width, height } of tileGrid(w, h)) {
      const tile = tf.slice(image, [y, x, 0], [height, width, 3]);
      try {
        for (const d of await detector.detect(tile)) {
          out.push({ ...d, box: { ...d.box, x: d.box.x + x, y: d.box.y + y }, points5: d.points5?.map((p) => ({ x: p.x + x, y: p.y + y })) });
        }
      } finally {
        tile.dispose();
      }
    }
    return out;
  }

  async function detect(image: tf.Tensor3D, kind: DetectorKind, tiling: AnalyzeOptions['tiling'] = 'auto'): Promise<(Detection | PortraitDetection)[]> {
    const detector = detectors[kind];
    if (!detector) throw new PipelineError('models-not-loaded', `The ${kind} detector is not loaded.`);
    const [h, w] = image.shape;
    const longSide = Math.max(h, w);
    if (longSide <= SMALL_IMAGE) {
      // A face that fills the frame is missed by detectors trained on scenes; give it a margin,
      // and let the other loaded detectors try before giving up on a portrait crop.
      const fallbacks = Object.values(detectors).filter((d) => d !== detector);
      for (const d of [detector, ...fallbacks]) {
        const padded = await detectPadded(image, d);
        if (padded.length) return padded;
      }
      const found = await detector.detect(image);
      if (found.length || longSide > PORTRAIT_MAX_SIDE) return found;
      const portrait = await findAlignedPortrait(image, landmarks);
      return portrait ? [portrait] : [];
    }
    let found = await detector.detect(image);
    if (!found.length && longSide <= 1024) found = await detectPadded(image, detector);
    if (tiling === 'auto' && longSide >= TILE_MIN_SIDE) {
      const widths = found.map((d) => d.box.width).sort((a, b) => a - b);
      const median = widths[Math.floor(widths.length / 2)] ?? 0;
      if (!found.length || median < longSide * SMALL_FACE_SHARE) {
        found = mergeTileDetections([...found, ...(await detectTiles(image, detector))]);
      }
    }
    return found;
  }

  return {
    get detectors() {
      return Object.keys(detectors) as DetectorKind[];
    },
    detect: (image, kind) => detect(image, kind),
    async analyze(image, opts = {}) {
      const options = { ...ANALYZE_DEFAULTS, ...opts };
      const [height, width, channels] = image.shape;
      if (!height || !width || channels !== 3) throw new PipelineError('empty-image', 'The image has no pixels.');
      const t0 = performance.now();
      const found = await detect(image, options.detector, options.tiling);
      const t1 = performance.now();
      if (!found.length) {
        const timings = { detect: t1 - t0, landmarks: 0, align: 0, embed: 0, total: t1 - t0 };
        return { width, height, faces: [], backend: tf.getBackend() as BackendName, detector: options.detector, timings };
      }
      const batch = tf.tidy(() => tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D);
      try {
        // The portrait fallback already holds the landmarks it was accepted on; the others are located in one pass.
        const located = await landmarks.locate(batch, found.filter((d) => !('landmarks' in d)).map((d) => d.box));
        let next = 0;
        const points = found.map((d) => ('landmarks' in d ? d.landmarks : located[next++]!));
        const t2 = performance.now();
        const aligned = cropAligned(batch, points.map(alignmentFromLandmarks));
        try {
          const stats = await pixelStats(aligned);
          const t3 = performance.now();
          const descriptors = options.embed ? await embedder.embed(aligned, options.flip) : [];
          const t4 = performance.now();
          const faces: PipelineFace[] = found.map((d, i) => ({
            box: d.box,
            score: d.score,
            landmarks: points[i]!,
            quality: assessQuality(Math.round(d.box.width), stats[i]!, points[i]!),
            ...(options.embed ? { descriptor: descriptors[i]! } : {}),
            ...('fallback' in d ? { fallback: d.fallback } : {}),
          }));
          return {
            width,
            height,
            faces,
            backend: tf.getBackend() as BackendName,
            detector: options.detector,
            timings: { detect: t1 - t0, landmarks: t2 - t1, align: t3 - t2, embed: t4 - t3, total: t4 - t0 },
          };
        } finally {
          aligned.dispose();
        }
      } finally {
        batch.dispose();
      }
    },
    dispose() {
      for (const d of Object.values(detectors)) d?.dispose();
      landmarks.dispose();
      embedder.dispose();
    },
  };
}
