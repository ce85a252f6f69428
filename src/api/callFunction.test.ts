/**
 * callFunction's three outcomes, from the answers supabase-js really gives:
 * its own error classes around real Responses, as functions.invoke returns
 * them, and a client whose invoke throws.
 */
import { FunctionsFetchError, FunctionsHttpError, FunctionsRelayError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { callFunction, type FunctionsAnswer, type FunctionsClient } from './callFunction';

const answering = (answer: FunctionsAnswer | (() => never)): FunctionsClient & { calls: unknown[] } => {
  const calls: unknown[] = [];
  return {
    calls,
    functions: {
      invoke: async (name, options) => {
        calls.push({ name, body: options.body });
        return typeof answer === 'function' ? answer() : answer;
      },
    },
  };
};

const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** What supabase-js returns for a non-2xx answer: the error with the Response as context, and the Response. */
const httpError = (response: Response): FunctionsAnswer => ({ data: null, error: new FunctionsHttpError(response), response });

describe('callFunction', () => {
  it('is ok with the data and the Response, having sent the body to the named function', async () => {
    const response = reply(200, { counts: { sent: 2 } }, { Date: 'Sun, 06 Dec 2026 20:00:00 GMT' });
    const client = answering({ data: { counts: { sent: 2 } }, error: null, response });
    const result = await callFunction<{ counts: Record<string, number> }>(client, 'notify', { action: 'session-status', sessionId: 's1' });
    expect(result).toEqual({ kind: 'ok', data: { counts: { sent: 2 } }, response });
    expect(result.response?.headers.get('date')).toBe('Sun, 06 Dec 2026 20:00:00 GMT');
    expect(client.calls).toEqual([{ name: 'notify', body: { action: 'session-status', sessionId: 's1' } }]);
  });

  it('is refused on a 4xx, with the status and the function’s own message, and the Response (for its Date header)', async () => {
    const response = reply(403, { error: 'forbidden', message: 'not the teacher of this class' }, { Date: 'Sun, 06 Dec 2026 20:00:00 GMT' });
    const result = await callFunction(answering(httpError(response)), 'notify', {});
    expect(result).toMatchObject({ kind: 'refused', status: 403, message: 'not the teacher of this class' });
    expect(result.response).toBe(response);
  });

  it('finds the Response in error.context when the answer leaves it out', async () => {
    const response = reply(400, { message: 'limit: too big' });
    const result = await callFunction(answering({ data: null, error: new FunctionsHttpError(response) }), 'sync', {});
    expect(result).toMatchObject({ kind: 'refused', status: 400, message: 'limit: too big', response });
  });

  it('leaves the words to the caller when the function gave none', async () => {
    const result = await callFunction(answering(httpError(new Response('nope', { status: 404 }))), 'reviews', {});
    expect(result).toMatchObject({ kind: 'refused', status: 404, message: '' });
  });

  it('is offline when the server is busy (5xx, 429), keeping the status', async () => {
    expect(await callFunction(answering(httpError(reply(503, { message: 'try later' }))), 'sync', {})).toMatchObject({ kind: 'offline', status: 503, message: 'try later' });
    expect(await callFunction(answering(httpError(reply(429, {}))), 'sync', {})).toMatchObject({ kind: 'offline', status: 429 });
    const relay = reply(502, {}, { 'x-relay-error': 'true' });
    expect(await callFunction(answering({ data: null, error: new FunctionsRelayError(relay), response: relay }), 'sync', {})).toMatchObject({ kind: 'offline', status: 502 });
  });

  it('is offline, with no status, when nothing answered or the client threw', async () => {
    const fetchFailed = { data: null, error: new FunctionsFetchError(new TypeError('fetch failed')) };
    expect(await callFunction(answering(fetchFailed), 'privacy', {})).toEqual({
      kind: 'offline',
      status: null,
      message: 'Failed to send a request to the Edge Function',
      response: undefined,
    });
    const threw = answering(() => {
      throw new TypeError('Failed to fetch');
    });
    expect(await callFunction(threw, 'privacy', {})).toEqual({ kind: 'offline', status: null, message: 'Failed to fetch' });
  });
});
