/**
 * Main-thread side of the roster import: one short-lived worker per file, a
 * time limit that terminates it, and the answer checked again here before the
 * UI sees it.
 */
import type { CountryCode } from 'libphonenumber-js';
import { MAX_FILE_BYTES, MAX_MESSAGE_CHARS, ROSTER_TIMEOUT_MS } from './limits';
import { isRosterFileErrorCode, RosterFileError } from './rosterFileError';
import type { RosterRequest } from './rosterWorkerProtocol';
import { sanitizePreview } from './sanitizePreview';
import { displayName } from './sniffRosterFile';
import type { RosterPreview, RosterProgress } from './types';

export interface ReadRosterOptions {
  /** The class's country, for phone numbers written without +country code. */
  defaultCountry: CountryCode;
  /** Roll numbers already in the class. */
  existingRollNos?: Iterable<string>;
  timeoutMs?: number;
  /** Cancels the read (the teacher closed the dialog); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  createWorker?: () => Worker;
}

const PROGRESS_STAGES: readonly RosterProgress['stage'][] = ['reading', 'parsing', 'validating', 'done'];

const createRosterWorker = () => new Worker(new URL('./roster.worker.ts', import.meta.url), { type: 'module', name: 'roster' });

export async function readRosterInWorker(file: File, options: ReadRosterOptions, onProgress?: (progress: RosterProgress) => void): Promise<RosterPreview> {
  const timeoutMs = options.timeoutMs ?? ROSTER_TIMEOUT_MS;
  // Checked before reading: a wrong pick of a 2 GB video should not be loaded into memory.
  if (file.size > MAX_FILE_BYTES) {
    throw new RosterFileError('too-large', `${displayName(file.name)} is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB; a class roster is much smaller. Check that this is the right file.`);
  }
  options.signal?.throwIfAborted();
  onProgress?.({ stage: 'reading' });
  const bytes = await file.arrayBuffer();
  options.signal?.throwIfAborted();

  const worker = (options.createWorker ?? createRosterWorker)();
  const id = 1;
  return new Promise<RosterPreview>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      worker.terminate();
      outcome();
    };
    const fail = (error: unknown) => settle(() => reject(error));
    const onAbort = () => fail(options.signal?.reason ?? new DOMException('The roster import was cancelled.', 'AbortError'));

    const timer = setTimeout(
      () => fail(new RosterFileError('timeout', `Reading ${displayName(file.name)} took longer than ${Math.round(timeoutMs / 1000)} seconds and was stopped. Try saving it as CSV, or splitting it into smaller files.`)),
      timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    worker.onmessage = (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (typeof message !== 'object' || message === null) return;
      const { id: messageId, type } = message as { id?: unknown; type?: unknown };
      if (messageId !== id) return;
      if (type === 'progress') {
        const { stage, rows } = (message as { progress?: { stage?: unknown; rows?: unknown } }).progress ?? {};
        if (!PROGRESS_STAGES.includes(stage as RosterProgress['stage'])) return;
        const progress: RosterProgress = { stage: stage as RosterProgress['stage'] };
        if (typeof rows === 'number' && Number.isSafeInteger(rows) && rows >= 0) progress.rows = rows;
        onProgress?.(progress);
      } else if (type === 'done') {
        try {
          const preview = sanitizePreview((message as { preview?: unknown }).preview);
          settle(() => resolve(preview));
        } catch (error) {
          fail(error);
        }
      } else if (type === 'error') {
        const error = (message as { error?: { code?: unknown; message?: unknown } }).error;
        const code = isRosterFileErrorCode(error?.code) ? error.code : 'worker-failed';
        const text = typeof error?.message === 'string' ? error.message.slice(0, MAX_MESSAGE_CHARS) : 'The file could not be read.';
        fail(new RosterFileError(code, text));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new RosterFileError('worker-failed', 'The file reader stopped unexpectedly. Try saving the roster as CSV and importing again.'));
    };
    worker.onmessageerror = () => fail(new RosterFileError('invalid-result', 'The file was read, but the result could not be received. Try again.'));

    const request: RosterRequest = {
      id,
      name: file.name,
      bytes,
      defaultCountry: options.defaultCountry,
      existingRollNos: [...(options.existingRollNos ?? [])],
    };
    worker.postMessage(request, [bytes]);
  });
}
