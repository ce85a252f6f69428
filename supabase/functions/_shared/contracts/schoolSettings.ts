/**
 * What a school decides for all its phones, its limits and the value each
 * starts with. The SQL check constraints and column defaults on
 * public.schools (20261122009300_school_settings.sql) say the same; SQL
 * cannot import this file, so supabase/tests/database/school-settings-bounds.test.ts proves
 * they agree.
 */

export interface SchoolSettingValues {
  keepFaceCrops: boolean;
  syncFaceTemplates: boolean;
  /** Days face data is kept. */
  retentionDays: number;
  /** Least confidence to mark a student automatically; below it a face is a stranger. */
  autoMarkConfidence: number;
  /** Least confidence of an automatic "present" for a text to the guardians. */
  presentSmsConfidence: number;
  /** Minutes after a session starts from which an arrival is late, in every class of the school. */
  lateAfterMinutes: number;
}

/** Inclusive bounds; `step` is the finest value the column stores (numeric(3, 2) for confidences). */
export const SCHOOL_SETTING_LIMITS = {
  retentionDays: { min: 1, max: 3650, step: 1 },
  confidence: { min: 0.5, max: 0.99, step: 0.01 },
  lateAfterMinutes: { min: 0, max: 240, step: 1 },
} as const;

/** A school starts with these; a reader missing a field takes them too. */
export const SCHOOL_SETTING_DEFAULTS: Readonly<SchoolSettingValues> = {
  keepFaceCrops: false,
  syncFaceTemplates: false,
  retentionDays: 365,
  autoMarkConfidence: 0.8,
  presentSmsConfidence: 0.8,
  lateAfterMinutes: 10,
};

/** The column of public.schools that holds each setting. */
export const SCHOOL_SETTING_COLUMNS: Readonly<Record<keyof SchoolSettingValues, string>> = {
  keepFaceCrops: 'keep_face_crops',
  syncFaceTemplates: 'sync_face_templates',
  retentionDays: 'retention_days',
  autoMarkConfidence: 'auto_mark_confidence',
  presentSmsConfidence: 'present_sms_confidence',
  lateAfterMinutes: 'late_after_minutes',
};
