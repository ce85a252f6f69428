/** Saving a view as a PNG: the canvas on the page background (charts draw on a transparent one). */
import { downloadBlob } from '@/reports';

export function cssVar(name: string, fallback: string, el: Element = document.documentElement): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export async function downloadCanvasPng(canvas: HTMLCanvasElement, filename: string, doc: Document = document): Promise<void> {
  const out = doc.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the picture.');
  ctx.fillStyle = cssVar('--bg', '#fff');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('This browser cannot make the picture.');
  downloadBlob(blob, filename, doc);
}
