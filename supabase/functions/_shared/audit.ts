/**
 * Entries in audit_log, written in the caller's own transaction so an
 * action and its record commit or roll back together. Members cannot
 * insert into the table; public.record_audit writes the entry for them,
 * with the caller as actor and now() as its time, and refuses an action
 * that is not one of those listed there or a row that is not the school's.
 */
import type { Tx } from './db.ts';

export interface AuditEntry {
  schoolId: string;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx`
    select public.record_audit(${entry.schoolId}, ${entry.action}, ${entry.entity}, ${entry.entityId ?? null}, ${tx.json((entry.details ?? {}) as never)})`;
}
