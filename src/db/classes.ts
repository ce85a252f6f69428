/** Classes and their rosters. Deleting marks rows as deleted (a tombstone) so the deletion can sync. */
import { enqueueMutation } from './outbox/enqueueMutation';
import { classToServer, studentToServer } from './outbox/serverRows';
import { SCHOOL_SETTING_DEFAULTS } from '@contracts/schoolSettings';
import type { RollcallDb, Synced } from './db';

export interface ClassRow extends Synced {
  name: string;
  /** Minutes after a session starts from which an arrival counts as late. */
  lateAfterMinutes: number;
  /** ISO 3166 country used to read phone numbers written without +country code. */
  defaultCountry: string;
}

export interface StudentRow extends Synced {
  classId: string;
  rollNo: string;
  fullName: string;
  guardianName: string;
  /** E.164, e.g. +919812345678; empty when unknown. */
  guardianPhone: string;
  email: string;
  studentEmail: string;
  /** When the school erased their face data on the server (pulled): this device erases its copy too. */
  biometricsErasedAt?: string | null;
}

export type NewClass = Pick<ClassRow, 'name'> & Partial<Pick<ClassRow, 'lateAfterMinutes' | 'defaultCountry'>>;
export type NewStudent = Omit<StudentRow, 'id' | 'classId' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export async function createClass(db: RollcallDb, input: NewClass, now = new Date()): Promise<ClassRow> {
  const name = input.name.trim();
  if (!name) throw new Error('A class needs a name.');
  const at = now.toISOString();
  const row: ClassRow = {
    id: crypto.randomUUID(),
    name,
    // A phone with no school uses the class's own cut-off; it starts where a school's would.
    lateAfterMinutes: input.lateAfterMinutes ?? SCHOOL_SETTING_DEFAULTS.lateAfterMinutes,
    defaultCountry: input.defaultCountry ?? 'IN',
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
  await db.transaction('rw', db.classes, db.outbox, async () => {
    await db.classes.add(row);
    await enqueueMutation(db, { table: 'classes', op: 'upsert', row: classToServer(row) }, now);
  });
  return row;
}

export async function updateClass(db: RollcallDb, id: string, changes: Partial<Pick<ClassRow, 'name' | 'lateAfterMinutes' | 'defaultCountry'>>, now = new Date()) {
  await db.transaction('rw', db.classes, db.outbox, async () => {
    const before = await db.classes.get(id);
    if (!before) return;
    const after: ClassRow = { ...before, ...changes, updatedAt: now.toISOString() };
    await db.classes.put(after);
    if (changedOnServer(classToServer(before), classToServer(after))) await enqueueMutation(db, { table: 'classes', op: 'upsert', row: classToServer(after) }, now);
  });
}

/** Whether an edit touches what the server stores (a guardian's phone, say, does not). */
function changedOnServer(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}

export async function listClasses(db: RollcallDb): Promise<ClassRow[]> {
  const rows = await db.classes.toArray();
  return rows.filter((c) => !c.deletedAt).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

export async function getClass(db: RollcallDb, id: string): Promise<ClassRow | undefined> {
  const row = await db.classes.get(id);
  return row && !row.deletedAt ? row : undefined;
}

/** The class and its students disappear from lists; past sessions keep their marks. */
export async function deleteClass(db: RollcallDb, id: string, now = new Date()) {
  const at = now.toISOString();
  await db.transaction('rw', db.classes, db.students, db.outbox, async () => {
    const live = (await db.students.where('classId').equals(id).toArray()).filter((s) => !s.deletedAt);
    const count = await db.classes.update(id, { deletedAt: at, updatedAt: at });
    await db.students.where('classId').equals(id).modify({ deletedAt: at, updatedAt: at });
    if (count > 0) await enqueueMutation(db, { table: 'classes', op: 'delete', row: { id } }, now);
    for (const s of live) await enqueueMutation(db, { table: 'students', op: 'delete', row: { id: s.id } }, now);
  });
}

export async function listStudents(db: RollcallDb, classId: string): Promise<StudentRow[]> {
  const rows = await db.students.where('classId').equals(classId).toArray();
  return rows.filter((s) => !s.deletedAt).sort((a, b) => a.rollNo.localeCompare(b.rollNo, undefined, { numeric: true }));
}

/**
 * Adds students in one transaction: all or none. A roll number already used
 * by a (not deleted) student of the class is refused, naming it.
 */
export async function addStudents(db: RollcallDb, classId: string, students: readonly NewStudent[], now = new Date()): Promise<StudentRow[]> {
  const at = now.toISOString();
  return db.transaction('rw', db.students, db.outbox, async () => {
    const taken = new Set((await listStudents(db, classId)).map((s) => s.rollNo));
    const rows: StudentRow[] = [];
    for (const s of students) {
      const rollNo = s.rollNo.trim();
      const fullName = s.fullName.trim();
      if (!rollNo || !fullName) throw new Error('Every student needs a roll number and a name.');
      if (taken.has(rollNo)) throw new Error(`Roll number ${rollNo} is already in this class.`);
      taken.add(rollNo);
      rows.push({ ...s, rollNo, fullName, id: crypto.randomUUID(), classId, createdAt: at, updatedAt: at, deletedAt: null });
    }
    await db.students.bulkAdd(rows);
    for (const row of rows) await enqueueMutation(db, { table: 'students', op: 'upsert', row: studentToServer(row) }, now);
    return rows;
  });
}

export async function updateStudent(db: RollcallDb, id: string, changes: Partial<NewStudent>, now = new Date()) {
  await db.transaction('rw', db.students, db.outbox, async () => {
    const current = await db.students.get(id);
    if (!current) throw new Error('That student no longer exists.');
    if (changes.rollNo !== undefined && changes.rollNo.trim() !== current.rollNo) {
      const clash = (await listStudents(db, current.classId)).find((s) => s.rollNo === changes.rollNo!.trim());
      if (clash) throw new Error(`Roll number ${clash.rollNo} is already ${clash.fullName}'s.`);
    }
    const after: StudentRow = { ...current, ...changes, updatedAt: now.toISOString() };
    await db.students.put(after);
    if (changedOnServer(studentToServer(current), studentToServer(after))) await enqueueMutation(db, { table: 'students', op: 'upsert', row: studentToServer(after) }, now);
  });
}

/** Removes the student from the roster and erases their face data on this device; marks stay for the record. */
export async function deleteStudent(db: RollcallDb, id: string, now = new Date()) {
  const at = now.toISOString();
  await db.transaction('rw', db.students, db.faceSamples, db.negatives, db.outbox, async () => {
    const count = await db.students.update(id, { deletedAt: at, updatedAt: at });
    if (count > 0) await enqueueMutation(db, { table: 'students', op: 'delete', row: { id } }, now);
    await db.faceSamples.where('studentId').equals(id).delete();
    await db.negatives.where('studentId').equals(id).delete();
  });
}
