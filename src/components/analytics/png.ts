/** Saving a view as a PNG: the canvas on the page background (charts draw on a transparent one). */

export function cssVar(name: string, fallback: string, el: Element = document.documentElement): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function downloadCanvasPng(canvas: HTMLCanvasElement, filename: string, doc: Document = document): void {
  const out = doc.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the picture.');
  ctx.fillStyle = cssVar('--bg', '#fff');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const link = doc.createElement('a');
  link.href = out.toDataURL('image/png');
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
}
