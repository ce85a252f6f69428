/**
 * What attendance/policy.ts decides by, as this device holds it: the school
 * it syncs with, if any, and the settings made on the phone itself.
 */
import type { PolicyInput } from '@/attendance/policy';
import { DEFAULT_RULES } from '@/attendance/types';
import type { RollcallDb } from '@/db/db';
import { schoolOfDevice, type SchoolRow } from '@/db/schools';
import { getSetting } from '@/db/settings';
import { DEFAULT_RETENTION_DAYS } from '@/privacy/retention';

/** The phone's own confidence threshold, used while it has no school. */
export const CONFIDENCE_KEY = 'autoMarkConfidence';
/** The phone's own retention period, used while it has no school. */
export const RETENTION_DAYS_KEY = 'privacy.retentionDays';

export async function policyOfDevice(db: RollcallDb): Promise<PolicyInput & { school: SchoolRow | null }> {
  const [school, autoMarkConfidence, retentionDays] = await Promise.all([
    schoolOfDevice(db),
    getSetting(db, CONFIDENCE_KEY, DEFAULT_RULES.autoMarkConfidence),
    getSetting(db, RETENTION_DAYS_KEY, DEFAULT_RETENTION_DAYS),
  ]);
  return { school: school ?? null, phone: { autoMarkConfidence, retentionDays } };
}
