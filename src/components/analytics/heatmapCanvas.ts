/** The students × days grid drawn on a canvas, for the PNG export (the page shows it as a CSS grid). */
import type { Heatmap } from '@/analytics/aggregate';
import type { DayStatus } from '@/analytics/types';
import { cssVar } from './png';

const CELL = 14;
const GAP = 2;
const LABEL_WIDTH = 220;
const HEADER = 70;

export function drawHeatmap(map: Heatmap, title: string, doc: Document = document): HTMLCanvasElement {
  const canvas = doc.createElement('canvas');
  const scale = 2;
  const width = LABEL_WIDTH + map.dates.length * (CELL + GAP) + 16;
  const height = HEADER + map.rows.length * (CELL + GAP) + 16;
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the picture.');
  ctx.scale(scale, scale);
  const fill: Record<DayStatus, string> = {
    present: cssVar('--present-bg', '#d9f2e3'),
    late: cssVar('--late-bg', '#ffecc2'),
    absent: cssVar('--absent', '#a0001c'),
    excused: cssVar('--excused-bg', '#e3e8ef'),
  };
  const ink = cssVar('--ink', '#111');
  ctx.fillStyle = ink;
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.fillText(title, 8, 20);
  ctx.font = '10px system-ui, sans-serif';
  map.dates.forEach((d, j) => {
    ctx.save();
    ctx.translate(LABEL_WIDTH + j * (CELL + GAP) + CELL - 3, HEADER - 4);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(d.slice(5), 0, 0);
    ctx.restore();
  });
  ctx.font = '11px system-ui, sans-serif';
  map.rows.forEach((row, i) => {
    const y = HEADER + i * (CELL + GAP);
    ctx.fillStyle = ink;
    ctx.fillText(row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label, 8, y + CELL - 3);
    row.cells.forEach((s, j) => {
      const x = LABEL_WIDTH + j * (CELL + GAP);
      if (s) {
        ctx.fillStyle = fill[s];
        ctx.fillRect(x, y, CELL, CELL);
      } else {
        ctx.strokeStyle = cssVar('--line', '#c9c9c9');
        ctx.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
      }
    });
  });
  return canvas;
}
