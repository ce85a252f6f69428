/**
 * What `sync` may touch: the tables a device pulls and pushes, their
 * columns, and how each is written (TableSpec). Identifiers in the SQL
 * come only from here, never from the request. Adding a column to sync
 * starts in this file.
 */
import { SCHOOL_SETTING_COLUMNS } from '../_shared/contracts/schoolSettings.ts';
import { explainKeptMark, MARK_MERGE_SET, MARK_REPLACES } from './marks.ts';

export interface TableSpec {
  name: string;
  /** Columns a client may write; `id` (the client's UUID) is always one. */
  writable: readonly string[];
  /** Columns sent back on pull. */
  readable: readonly string[];
  /**
   * Columns the server fills when the client leaves them out, as SQL over
   * the incoming row `r` (school_id follows from the class, session or mark).
   */
  derived?: Readonly<Record<string, string>>;
  /** Deletes set this column (a tombstone that pulls carry); null when rows cannot be deleted through sync. */
  tombstoneColumn: string | null;
  /** Rows are written once and never changed (logs). */
  appendOnly: boolean;
  /**
   * When an upsert may replace a stored row, in terms of the stored row `t`
   * and the incoming `excluded`. Without one, the last write to arrive wins.
   */
  replaceWhen?: string;
  /** What the client is told when `replaceWhen` keeps the stored row. */
  explainKept?: (stored: Record<string, unknown>, incoming: Record<string, unknown>) => string;
  /** Per column, what an update sets instead of the incoming value (in terms of `t` and `excluded`). */
  mergeSet?: Readonly<Record<string, string>>;
  /**
   * How a push writes the table: 'upsert' (the default) inserts or
   * replaces; 'update' only changes a row that exists (nobody may create
   * one through sync, and an insert's policy would refuse even the
   * update); 'none': pulled only, changed through a function.
   */
  write?: 'upsert' | 'update' | 'none';
  /**
   * The columns that say which row an upsert is about (default: id). A
   * mark is the student's in the session whatever id a device gave it, so
   * two devices' marks, or a mark written again after a clear, are one row.
   */
  identity?: readonly string[];
  /**
   * Columns every upsert writes, with their value when a row leaves them
   * out: a row queued by an older app, without `cleared_at`, must not leave
   * a stored clear in place under a mark it replaces.
   */
  fill?: Readonly<Record<string, unknown>>;
}

/** The columns naming a table's row (TableSpec.identity). */
export function identityOf(spec: TableSpec): readonly string[] {
  return spec.identity ?? ['id'];
}

/** Every synced table is stamped by a trigger (set_updated_at); pulls page on it. */
export const CURSOR_COLUMN = 'updated_at';

const SCHOOL_OF_CLASS = 'public.school_of_class(r.class_id)';
const SCHOOL_OF_SESSION = 'public.school_of_class(public.class_of_session(r.session_id))';

/** What a school decides (the school-settings contract); admins change them, every member reads them. */
const SCHOOL_SETTINGS = Object.values(SCHOOL_SETTING_COLUMNS);

/** Tables in pull order: parents before children, so a client can apply a page in order. */
export const SYNC_TABLES: readonly TableSpec[] = [
  {
    name: 'schools',
    writable: ['id', ...SCHOOL_SETTINGS],
    readable: ['id', 'name', ...SCHOOL_SETTINGS, 'created_at', 'updated_at'],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'update',
  },
  {
    name: 'classes',
    writable: ['id', 'school_id', 'name', 'late_after_minutes', 'default_country'],
    readable: ['id', 'school_id', 'name', 'late_after_minutes', 'default_country', 'created_at', 'updated_at', 'deleted_at'],
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'students',
    writable: ['id', 'class_id', 'roll_no', 'full_name', 'email'],
    // biometrics_erased_at: the server erased the student's face data then; devices delete theirs.
    readable: ['id', 'school_id', 'class_id', 'roll_no', 'full_name', 'email', 'biometrics_erased_at', 'created_at', 'updated_at', 'deleted_at'],
    derived: { school_id: SCHOOL_OF_CLASS },
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'sessions',
    // taken_by is always the caller (its default, auth.uid()), never what a device claims.
    writable: ['id', 'class_id', 'starts_at', 'mode', 'faces_detected', 'photos', 'device', 'finalised_at'],
    readable: [
      'id',
      'school_id',
      'class_id',
      'starts_at',
      'taken_by',
      'mode',
      'faces_detected',
      'photos',
      'device',
      'finalised_at',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
    derived: { school_id: SCHOOL_OF_CLASS },
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'attendance_marks',
    writable: ['id', 'session_id', 'student_id', 'status', 'source', 'confidence', 'marked_at', 'device', 'cleared_at'],
    readable: [
      'id',
      'school_id',
      'session_id',
      'student_id',
      'status',
      'source',
      'confidence',
      'marked_at',
      'device',
      'cleared_at',
      'created_at',
      'updated_at',
    ],
    derived: { school_id: SCHOOL_OF_SESSION },
    // A mark is corrected or cleared, never removed: its row and the audit log keep what happened.
    tombstoneColumn: null,
    appendOnly: false,
    identity: ['session_id', 'student_id'],
    fill: { cleared_at: null },
    // Which mark stands: the decision table of _shared/contracts/markPrecedence.ts, as SQL (marks.ts).
    replaceWhen: MARK_REPLACES,
    mergeSet: MARK_MERGE_SET,
    explainKept: explainKeptMark,
  },
  {
    name: 'recognition_events',
    writable: ['id', 'session_id', 'at', 'student_id', 'confidence', 'device', 'box', 'reason', 'recognition_ms'],
    readable: ['id', 'school_id', 'session_id', 'at', 'student_id', 'confidence', 'device', 'box', 'reason', 'recognition_ms', 'created_at', 'updated_at'],
    derived: { school_id: SCHOOL_OF_SESSION },
    tombstoneColumn: null,
    appendOnly: true,
  },
  {
    // Opened here by a student or parent; closed through the reviews function.
    name: 'disputes',
    writable: ['id', 'mark_id', 'reason', 'requested_status'],
    readable: [
      'id',
      'school_id',
      'mark_id',
      'opened_by',
      'reason',
      'requested_status',
      'status',
      'corrected_status',
      'resolution',
      'resolved_by',
      'resolved_at',
      'created_at',
      'updated_at',
    ],
    derived: { school_id: 'public.school_of_class(public.class_of_mark(r.mark_id))' },
    tombstoneColumn: null,
    appendOnly: false,
  },
  {
    // Given and withdrawn through the privacy function; pulled so devices erase face data on a withdrawal.
    name: 'consents',
    writable: [],
    readable: ['id', 'school_id', 'student_id', 'guardian_id', 'given_by', 'method', 'notice_version', 'given_at', 'withdrawn_at', 'created_at', 'updated_at'],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'none',
  },
  {
    // Recorded by notify's SMS webhook, decided through the reviews function.
    name: 'excuse_requests',
    writable: [],
    readable: [
      'id',
      'school_id',
      'mark_id',
      'student_id',
      'guardian_id',
      'notification_id',
      'reason',
      'message',
      'status',
      'decided_by',
      'decided_at',
      'decision_note',
      'created_at',
      'updated_at',
    ],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'none',
  },
];

export const TABLES_BY_NAME: ReadonlyMap<string, TableSpec> = new Map(SYNC_TABLES.map((t) => [t.name, t]));
