#!/usr/bin/env node
// Draws the app icons (public/icons/*.png) from the same shapes as favicon.svg.
// Run once after changing the design; the PNGs are committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { PNG } from 'pngjs';

function draw(size, maskable) {
  const png = new PNG({ width: size, height: size });
  const s = size / 64;
  const inset = maskable ? 0.8 : 1; // maskable icons keep their content in the inner 80 %
  const c = (v) => 32 + (v - 32) * inset;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / s;
      const v = y / s;
      let rgb = [11, 93, 59];
      const r = 14;
      const corner = !maskable && ((u < r || u > 64 - r) && (v < r || v > 64 - r)) &&
        Math.hypot(u - (u < r ? r : 64 - r), v - (v < r ? r : 64 - r)) > r;
      const head = Math.hypot(u - c(32), v - c(26)) < 11 * inset;
      const body = v > c(38) && v < c(56) && Math.hypot((u - c(32)) / 19, (v - c(54)) / 16) < inset;
      const tick = Math.abs(u - c(45) - (v - c(51))) < 3 * inset && u > c(40) && u < c(45.5) ||
        Math.abs((u - c(45)) + (v - c(51)) * (5 / 11) * 1.8) < 3 * inset && u > c(44) && u < c(54);
      if (head || body) rgb = [255, 255, 255];
      if (tick) rgb = [255, 213, 74];
      const i = (y * size + x) * 4;
      png.data[i] = rgb[0]; png.data[i + 1] = rgb[1]; png.data[i + 2] = rgb[2];
      png.data[i + 3] = corner ? 0 : 255;
    }
  }
  return PNG.sync.write(png);
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', draw(192, false));
writeFileSync('public/icons/icon-512.png', draw(512, false));
writeFileSync('public/icons/icon-maskable-512.png', draw(512, true));
console.log('icons written to public/icons/');
