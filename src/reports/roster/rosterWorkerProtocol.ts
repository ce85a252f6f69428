/** Messages between the main thread and the roster worker. Only plain data crosses. */
import type { RosterFileErrorCode } from './rosterFileError';
import type { RosterPreview, RosterProgress } from './types';

export interface RosterRequest {
  id: number;
  /** The file's name, used only in messages. */
  name: string;
  /** The file's bytes, transferred. */
  bytes: ArrayBuffer;
  /** ISO 3166 code, e.g. "IN"; the worker rejects unknown ones. */
  defaultCountry: string;
  existingRollNos: string[];
}

export type RosterWorkerMessage =
  | { id: number; type: 'progress'; progress: RosterProgress }
  | { id: number; type: 'done'; preview: RosterPreview }
  | { id: number; type: 'error'; error: { code: RosterFileErrorCode; message: string } };
