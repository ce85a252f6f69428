/** Classes and their rosters. Deleting marks rows as deleted (a tombstone) so the deletion can sync. */
import type { RollcallDb } from './db';
import type { ClassRow, StudentRow } from './rows';

export type NewClass = Pick<ClassRow, 'name'> & Partial<Pick<ClassRow, 'lateAfterMinutes' | 'defaultCountry'>>;
export type NewStudent = Omit<StudentRow, 'id' | 'classId' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export async function createClass(db: RollcallDb, input: NewClass, now = new Date()): Promise<ClassRow> {
  const name = input.name.trim();
  if (!name) throw new Error('A class needs a name.');
  const at = now.toISOString();
  const row: ClassRow = {
    id: crypto.randomUUID(),
    name,
    lateAfterMinutes: input.lateAfterMinutes ?? 10,
    defaultCountry: input.defaultCountry ?? 'IN',
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
  await db.classes.add(row);
  return row;
}

export async function updateClass(db: RollcallDb, id: string, changes: Partial<Pick<ClassRow, 'name' | 'lateAfterMinutes' | 'defaultCountry'>>, now = new Date()) {
  await db.classes.update(id, { ...changes, updatedAt: now.toISOString() });
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
  await db.transaction('rw', db.classes, db.students, async () => {
    await db.classes.update(id, { deletedAt: at, updatedAt: at });
    await db.students.where('classId').equals(id).modify({ deletedAt: at, updatedAt: at });
  });
}

export async function listStudents(db: RollcallDb, classId: string): Promise<StudentRow[]> {
  const rows = await db.students.where('classId').equals(classId).toArray();
  return rows.filter((s) => !s.deletedAt).sort((a, b) => a.rollNo.localeCompare(b.rollNo, undefined, { numeric: true }));
}

export async function getStudent(db: RollcallDb, id: string): Promise<StudentRow | undefined> {
  const row = await db.students.get(id);
  return row && !row.deletedAt ? row : undefined;
}

/**
 * Adds students in one transaction: all or none. A roll number already used
 * by a (not deleted) student of the class is refused, naming it.
 */
export async function addStudents(db: RollcallDb, classId: string, students: readonly NewStudent[], now = new Date()): Promise<StudentRow[]> {
  const at = now.toISOString();
  return db.transaction('rw', db.students, async () => {
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
    return rows;
  });
}

export async function updateStudent(db: RollcallDb, id: string, changes: Partial<NewStudent>, now = new Date()) {
  await db.transaction('rw', db.students, async () => {
    const current = await db.students.get(id);
    if (!current) throw new Error('That student no longer exists.');
    if (changes.rollNo !== undefined && changes.rollNo.trim() !== current.rollNo) {
      const clash = (await listStudents(db, current.classId)).find((s) => s.rollNo === changes.rollNo!.trim());
      if (clash) throw new Error(`Roll number ${clash.rollNo} is already ${clash.fullName}'s.`);
    }
    await db.students.update(id, { ...changes, updatedAt: now.toISOString() });
  });
}

/** Removes the student from the roster and erases their face data on this device; marks stay for the record. */
export async function deleteStudent(db: RollcallDb, id: string, now = new Date()) {
  const at = now.toISOString();
  await db.transaction('rw', db.students, db.faceSamples, db.negatives, async () => {
    await db.students.update(id, { deletedAt: at, updatedAt: at });
    await db.faceSamples.where('studentId').equals(id).delete();
    await db.negatives.where('studentId').equals(id).delete();
  });
}
