/** Saving an export on the teacher's device. `exportFileName` is pure; `downloadBytes` is the browser shell. */
import { formatLocalDate } from './formatTime';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_MIME = 'text/csv;charset=utf-8';

export type ExportKind = 'attendance' | 'summary';

const slug = (text: string, max: number) =>
  [...text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{M}\p{N}_]+/gu, '-').replace(/^-+|-+$/g, '')]
    .slice(0, max)
    .join('')
    .replace(/-+$/, '');

/**
 * "attendance-7b-science-2025-03-04", without an extension (the caller adds
 * ".xlsx" or ".csv"). Letters and digits of any script are kept, so a Hindi
 * class name stays readable; everything else, path separators and dots
 * included, becomes a dash. `date` is a Date, an ISO time (written as the local
 * date) or a label such as "2025-03-01_2025-03-31".
 */
export function exportFileName(kind: ExportKind, className: string, date: string | Date): string {
  const day = date instanceof Date || /^\d{4}-\d{2}-\d{2}T/.test(date) ? formatLocalDate(date) : slug(date, 40);
  return `${kind}-${slug(className, 40) || 'class'}-${day || 'undated'}`;
}

/** Starts a download of `content` under `filename`. */
export function downloadBytes(content: Uint8Array | string, filename: string, mime: string, doc: Document = document): void {
  downloadBlob(new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type: mime }), filename, doc);
}

/** Starts a download of `blob` under `filename`: the browser's own "save" shell. */
export function downloadBlob(blob: Blob, filename: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in Safari and older Chromium; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
