/**
 * Twilio: sending an SMS, reading its answer and its status callbacks,
 * the signature on what it sends us, and TwiML for a reply.
 */
import { env } from './config.ts';
import type { SendResult } from './retries.ts';

/**
 * Twilio's answer, read: 2xx with a sid is sent; 5xx and 429 are worth
 * another try; any other 4xx (an invalid number, a blocked recipient) will
 * not get better by retrying.
 */
export function readTwilioAnswer(status: number, body: unknown): SendResult {
  const b = (body ?? {}) as { sid?: unknown; code?: unknown; message?: unknown };
  if (status >= 200 && status < 300 && typeof b.sid === 'string') return { kind: 'sent', providerId: b.sid };
  const reason = `twilio ${status}${b.code ? ` ${b.code}` : ''}: ${typeof b.message === 'string' ? b.message : 'no message'}`.slice(0, 500);
  if (status >= 500 || status === 429 || status < 400) return { kind: 'retry', error: reason };
  return { kind: 'rejected', error: reason };
}

/** Twilio's MessageStatus → ours; null for the in-between states that change nothing here. */
export function statusFromCallback(messageStatus: string | null): 'delivered' | 'failed' | null {
  if (messageStatus === 'delivered') return 'delivered';
  if (messageStatus === 'failed' || messageStatus === 'undelivered') return 'failed';
  return null;
}

/**
 * X-Twilio-Signature: HMAC-SHA1 with the auth token over the full URL
 * followed by each POST parameter's name and value, sorted by name; base64.
 */
export async function twilioSignature(url: string, params: URLSearchParams, authToken: string): Promise<string> {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join('');
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(data)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Compares without stopping at the first difference, so timing tells nothing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A TwiML answer to an incoming SMS: one reply message. */
export function twimlMessage(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(text)}</Message></Response>`;
}

/** Sends one SMS through Twilio's Messages API; Twilio calls `statusCallback` as it is delivered or fails. */
export async function sendSms(to: string, body: string, statusCallback: string): Promise<SendResult> {
  const sid = env('TWILIO_ACCOUNT_SID');
  const token = env('TWILIO_AUTH_TOKEN');
  const from = env('TWILIO_FROM');
  if (!sid || !token || !from) return { kind: 'retry', error: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_FROM is not set' };
  const base = (env('TWILIO_API_BASE') ?? 'https://api.twilio.com').replace(/\/$/, '');
  try {
    const res = await fetch(`${base}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa(`${sid}:${token}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: from, Body: body, StatusCallback: statusCallback }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return readTwilioAnswer(res.status, parsed);
  } catch (err) {
    return { kind: 'retry', error: `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}
