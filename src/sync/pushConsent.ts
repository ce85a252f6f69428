/**
 * Consents don't go through `sync`: the school records them through the
 * `privacy` function, which checks who may give which kind (a parent in the
 * app; a teacher from a signed form, an e-mail or in person) and forgets the
 * face data on the server when the last one is withdrawn. A record carries
 * the device's id, so sending it again after a lost reply records it once.
 */
import { callFunction, type FunctionsClient } from '@/api/callFunction';
import type { OutboxRow } from '@/db/outbox/enqueueMutation';
import type { MutationResult } from './callSync';
import { SyncOfflineError } from './syncErrors';

export async function pushConsent(client: FunctionsClient, m: Pick<OutboxRow, 'clientId' | 'row'>): Promise<MutationResult> {
  const r = m.row;
  const body = r.withdrawn_at
    ? { action: 'withdraw-consent', studentId: r.student_id }
    : { action: 'give-consent', id: r.id, studentId: r.student_id, method: r.method, noticeVersion: r.notice_version, givenAt: r.given_at };
  const result = await callFunction(client, 'privacy', body);
  if (result.kind === 'ok') return { clientId: m.clientId, status: 'applied' };
  if (result.kind === 'offline') throw new SyncOfflineError(result.message);
  // Withdrawing when nothing is in force: someone withdrew it already, which is what this change says.
  if (r.withdrawn_at && result.status === 409) return { clientId: m.clientId, status: 'duplicate' };
  return { clientId: m.clientId, status: 'rejected', reason: result.message || `privacy answered ${result.status}` };
}
