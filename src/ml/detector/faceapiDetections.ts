import type { FoundFace } from '../faceapiNets';
import type { Detection } from '../types';
import type { DetectorConfig } from './types';

export function toDetections(found: FoundFace[], config: DetectorConfig): Detection[] {
  return found
    .map((d) => ({ box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height }, score: d.score }))
    .filter((d) => d.box.width >= config.minFaceSize && d.box.height >= config.minFaceSize)
    .sort((a, b) => b.score - a.score)
    .slice(0, config.maxFaces);
}
