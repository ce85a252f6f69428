/**
 * What the roster worker does with one request: parse the bytes, validate the
 * rows, and turn any failure into a typed error. Kept out of the worker file so
 * Node tests run exactly the code the worker runs.
 */
import type { CountryCode } from 'libphonenumber-js';
import { parseRosterFile } from './parseRosterFile';
import { RosterFileError, type RosterFileErrorCode } from './rosterFileError';
import type { RosterRequest } from './rosterWorkerProtocol';
import type { RosterPreview, RosterProgress } from './types';
import { validateRoster } from './validateRoster';

export async function readRoster(
  request: Pick<RosterRequest, 'name' | 'bytes' | 'defaultCountry' | 'existingRollNos'>,
  onProgress: (progress: RosterProgress) => void = () => {},
): Promise<RosterPreview> {
  onProgress({ stage: 'parsing' });
  const rows = await parseRosterFile(request.name, request.bytes);
  onProgress({ stage: 'validating', rows: rows.length });
  // validateRoster checks the country itself and reports an unknown one as a file error.
  const preview = validateRoster(rows, { defaultCountry: request.defaultCountry as CountryCode, existingRollNos: request.existingRollNos });
  onProgress({ stage: 'done', rows: preview.rows.length });
  return preview;
}

/** Any thrown value as a code and a message a teacher can read; the details of an unexpected failure stay in the console. */
export function describeRosterFailure(error: unknown): { code: RosterFileErrorCode; message: string } {
  if (error instanceof RosterFileError) return { code: error.code, message: error.message };
  return { code: 'worker-failed', message: 'The file could not be read because of an unexpected problem. Try saving it as CSV and importing again.' };
}
