/**
 * Cuts a face out of a photo or camera frame for the teacher to see (main
 * thread, canvas). The crop is a display copy: recognition never reads it.
 */
import type { Box } from './types';

export const CROP_SIDE = 160;

/**
 * `box` is in the coordinates the pipeline saw; `scale` is how much the worker
 * shrank the image (PhotoResult.scale), so box / scale is in the source's pixels.
 */
export async function cropFace(source: Blob | ImageBitmap, box: Box, scale = 1, margin = 0.25): Promise<Blob> {
  const bitmap = source instanceof Blob ? await createImageBitmap(source, { imageOrientation: 'from-image' }) : source;
  try {
    const side = (Math.max(box.width, box.height) * (1 + 2 * margin)) / scale;
    const cx = (box.x + box.width / 2) / scale;
    const cy = (box.y + box.height / 2) / scale;
    const canvas = new OffscreenCanvas(CROP_SIDE, CROP_SIDE);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw images.');
    ctx.fillStyle = '#777';
    ctx.fillRect(0, 0, CROP_SIDE, CROP_SIDE);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, cx - side / 2, cy - side / 2, side, side, 0, 0, CROP_SIDE, CROP_SIDE);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  } finally {
    if (source instanceof Blob) bitmap.close();
  }
}
