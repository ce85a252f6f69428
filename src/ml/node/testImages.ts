/**
 * Test and bench images derived from the photos shipped in face-api's npm
 * package: loaded, cropped, rotated or re-encoded here, never stored.
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES_DIR = join(import.meta.dirname, '../../../node_modules/@vladmandic/face-api/demo');

/** Faces face-api's SSD finds in sample1…6 at minConfidence 0.3: every one is clearly visible. */
export const SAMPLE_FACE_COUNTS = [3, 3, 3, 4, 5, 4];

export function sampleBytes(n: number): Uint8Array {
  return readFileSync(join(SAMPLES_DIR, `sample${n}.jpg`));
}

export function encodeJpeg(image: tf.Tensor3D, quality = 90): Uint8Array {
  const [height, width] = image.shape;
  const rgba = tf.tidy(() => tf.concat([tf.cast(tf.clipByValue(image, 0, 255), 'int32'), tf.fill([height, width, 1], 255, 'int32')], 2));
  const data = Buffer.from(Uint8Array.from(rgba.dataSync()));
  rgba.dispose();
  return jpeg.encode({ data, width, height }, quality).data;
}

/** Inserts an EXIF APP1 segment holding only an Orientation tag right after the JPEG's SOI marker. */
export function withExifOrientation(jpegBytes: Uint8Array, orientation: number): Uint8Array {
  // TIFF header (little endian) + IFD0 with one entry: 0x0112 Orientation, SHORT, count 1.
  const tiff = [0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff]; // "Exif\0\0"
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  const out = new Uint8Array(jpegBytes.length + app1.length);
  out.set(jpegBytes.subarray(0, 2), 0);
  out.set(app1, 2);
  out.set(jpegBytes.subarray(2), 2 + app1.length);
  return out;
}

/** A crop [y, x, h, w] of `image`, resized to `size`×`size` (a passport-style face crop when the box is tight). */
export function cropResize(image: tf.Tensor3D, box: { x: number; y: number; width: number; height: number }, size: number): tf.Tensor3D {
  const [h, w] = image.shape;
  return tf.tidy(() =>
    tf.squeeze(
      tf.image.cropAndResize(
        tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D,
        [[box.y / (h - 1), box.x / (w - 1), (box.y + box.height) / (h - 1), (box.x + box.width) / (w - 1)]],
        [0],
        [size, size],
      ),
      [0],
    ),
  ) as tf.Tensor3D;
}
