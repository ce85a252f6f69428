/**
 * Consents don't go through `sync`: the school records them through the
 * `privacy` function, which checks who may give which kind (a parent in the
 * app; a teacher from a signed form, an e-mail or in person) and forgets the
 * face data on the server when the last one is withdrawn. A record carries
 * the device's id, so sending it again after a lost reply records it once.
 */
import type { OutboxRow } from '@/db/rows';
import type { FunctionsClient, MutationResult } from './callSync';
import { SyncOfflineError } from './syncErrors';

async function refusal(error: unknown): Promise<{ status: number | null; message: string }> {
  const e = error as { message?: string; context?: { status?: number; json?: () => Promise<{ message?: string }> } };
  const status = typeof e.context?.status === 'number' ? e.context.status : null;
  const body = await e.context?.json?.().catch(() => undefined);
  return { status, message: body?.message ?? e.message ?? 'refused' };
}

export async function pushConsent(client: FunctionsClient, m: Pick<OutboxRow, 'clientId' | 'row'>): Promise<MutationResult> {
  const r = m.row;
  const body = r.withdrawn_at
    ? { action: 'withdraw-consent', studentId: r.student_id }
    : { action: 'give-consent', id: r.id, studentId: r.student_id, method: r.method, noticeVersion: r.notice_version, givenAt: r.given_at };
  let answer: { data: unknown; error: unknown };
  try {
    answer = await client.functions.invoke('privacy', { body });
  } catch (err) {
    throw new SyncOfflineError(err instanceof Error ? err.message : String(err));
  }
  if (!answer.error) return { clientId: m.clientId, status: 'applied' };
  const { status, message } = await refusal(answer.error);
  if (status === null || status >= 500 || status === 429) throw new SyncOfflineError(message);
  // Withdrawing when nothing is in force: someone withdrew it already, which is what this change says.
  if (r.withdrawn_at && status === 409) return { clientId: m.clientId, status: 'duplicate' };
  return { clientId: m.clientId, status: 'rejected', reason: message };
}
