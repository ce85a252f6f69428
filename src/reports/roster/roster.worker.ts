/// <reference lib="webworker" />
/**
 * The roster worker: parses an untrusted file away from the UI. Every request
 * gets exactly one 'done' or 'error' answer, and nothing a file does can leave
 * an exception unhandled here.
 */
import { describeRosterFailure, readRoster } from './readRoster';
import { RosterFileError } from './rosterFileError';
import type { RosterRequest, RosterWorkerMessage } from './rosterWorkerProtocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: RosterWorkerMessage) => self.postMessage(message);

/** The request being read; the main thread starts one worker per file, so there is at most one. */
let currentId: number | null = null;

self.onmessage = async (event: MessageEvent<RosterRequest>) => {
  const request = event.data;
  const id = typeof request?.id === 'number' ? request.id : -1;
  currentId = id;
  try {
    if (!(request?.bytes instanceof ArrayBuffer) || typeof request.defaultCountry !== 'string') {
      throw new TypeError('malformed roster request');
    }
    const preview = await readRoster(
      {
        name: typeof request.name === 'string' ? request.name : '',
        bytes: request.bytes,
        defaultCountry: request.defaultCountry,
        existingRollNos: Array.isArray(request.existingRollNos) ? request.existingRollNos.filter((r) => typeof r === 'string') : [],
      },
      (progress) => post({ id, type: 'progress', progress }),
    );
    post({ id, type: 'done', preview });
  } catch (error) {
    // A RosterFileError is an expected answer about the file; anything else is a bug worth a console trace.
    if (!(error instanceof RosterFileError)) console.error('roster worker:', error);
    post({ id, type: 'error', error: describeRosterFailure(error) });
  } finally {
    currentId = null;
  }
};

// A library may fail outside the awaited chain; the main thread's timeout is
// the last resort, this answers sooner.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  console.error('roster worker:', event.reason);
  if (currentId !== null) post({ id: currentId, type: 'error', error: describeRosterFailure(event.reason) });
});
