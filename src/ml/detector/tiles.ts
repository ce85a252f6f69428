/**
 * Group photos are searched again in overlapping tiles, where small faces are
 * large enough for the detector. A face cut by a tile's inner edge is found
 * twice: whole in the neighbour tile and as a part in this one. The part's box
 * lies inside the whole face's box but is small, so plain IoU (< 0.4) keeps
 * both; overlap relative to the smaller box catches it.
 */
import type { Box, Detection } from '../types';
import { iou, overlapOfSmaller } from '../geometry';

export interface Tile { x: number; y: number; width: number; height: number }

/** About 960 px per tile, at least 2×2, each 25% larger than its share so neighbours overlap. */
export function tileGrid(width: number, height: number): Tile[] {
  const cols = Math.max(2, Math.round(width / 960));
  const rows = Math.max(2, Math.round(height / 960));
  const tileW = Math.min(width, Math.ceil((width / cols) * 1.25));
  const tileH = Math.min(height, Math.ceil((height / rows) * 1.25));
  const tiles: Tile[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = Math.min(width - tileW, Math.max(0, Math.round((c * width) / cols - (tileW - width / cols) / 2)));
      const y = Math.min(height - tileH, Math.max(0, Math.round((r * height) / rows - (tileH - height / rows) / 2)));
      tiles.push({ x, y, width: tileW, height: tileH });
    }
  }
  return tiles;
}

/** Same face: IoU at least this… */
export const SAME_FACE_IOU = 0.4;
/** …or this much of the smaller box inside the larger (a face cut at a seam inside the whole one). */
export const SAME_FACE_OVERLAP = 0.5;

function area(b: Box): number {
  return b.width * b.height;
}

/**
 * One detection per face from the whole-photo and tile passes. Best score
 * first; a detection that is the same face as one kept merges into it, and
 * the kept one takes the larger box (the whole face, not the part a tile saw)
 * and the higher score.
 */
export function mergeTileDetections<T extends Detection>(items: T[]): T[] {
  const kept: T[] = [];
  for (const item of [...items].sort((a, b) => b.score - a.score)) {
    const i = kept.findIndex((k) => iou(k.box, item.box) >= SAME_FACE_IOU || overlapOfSmaller(k.box, item.box) >= SAME_FACE_OVERLAP);
    if (i < 0) kept.push(item);
    else if (area(item.box) > area(kept[i]!.box)) kept[i] = { ...item, score: kept[i]!.score };
  }
  return kept;
}
