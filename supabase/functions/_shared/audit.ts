/**
 * Entries in audit_log, written in the caller's own transaction so an
 * action and its record commit or roll back together. The table is
 * append-only; its insert policy requires the caller to be a member of the
 * school and the actor (the column's default, auth.uid()).
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
    insert into public.audit_log (school_id, action, entity, entity_id, details)
    values (${entry.schoolId}, ${entry.action}, ${entry.entity}, ${entry.entityId ?? null}, ${tx.json((entry.details ?? {}) as never)})`;
}
