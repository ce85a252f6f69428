/**
 * E-mail, for guardians with an e-mail address and no phone: a plain JSON
 * mail API ({to, subject, text}, Bearer key) named by MAIL_API_URL and MAIL_API_KEY.
 */
import { env } from './config.ts';
import type { SendResult } from './retries.ts';

export async function sendEmail(to: string, text: string, subject = 'Rollcall attendance'): Promise<SendResult> {
  const url = env('MAIL_API_URL');
  const key = env('MAIL_API_KEY');
  if (!url || !key) return { kind: 'retry', error: 'MAIL_API_URL or MAIL_API_KEY is not set' };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to, subject, text }),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await res.json().catch(() => ({}));
    const id = (answer as { id?: unknown }).id;
    if (res.ok) return { kind: 'sent', providerId: typeof id === 'string' ? id : `mail-${crypto.randomUUID()}` };
    const error = `mail ${res.status}`;
    return res.status >= 500 || res.status === 429 ? { kind: 'retry', error } : { kind: 'rejected', error };
  } catch (err) {
    return { kind: 'retry', error: `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}
