/**
 * The Excel builders, loaded on first use: sheetjs-style is about a megabyte,
 * and most visits never export.
 */
import type { ClassSummary } from '@/attendance/types';
import type { SessionSheetInput } from './types';

export async function exportSessionWorkbook(input: SessionSheetInput): Promise<Uint8Array<ArrayBuffer>> {
  const { buildSessionWorkbook } = await import('./sessionSheet');
  return buildSessionWorkbook(input);
}

export async function exportClassSummaryWorkbook(summary: ClassSummary): Promise<Uint8Array<ArrayBuffer>> {
  const { buildClassSummaryWorkbook } = await import('./classSummarySheet');
  return buildClassSummaryWorkbook(summary);
}
