/**
 * Enrolment photos (descriptor + crop) and "not this person" corrections,
 * per student. Every read and write of a descriptor or a crop goes through
 * here: they are sealed under the device key (faceCrypto.ts) before they
 * are stored, and opened on the way out. Sealing happens before the write's
 * transaction and opening after the read's, since a WebCrypto promise
 * inside a Dexie transaction ends it; so do not call these inside one.
 *
 * A face sample is kept only for a student with consent in force, checked
 * in the transaction that writes it.
 */
import { consentStatus, noConsentMessage } from '@/privacy/consent';
import { modelStudents } from './modelVersions';
import { modelVersionsToDelete, type FaceDataItem, type ModelVersionNames } from '@/privacy/retention';
import type { RollcallDb, Synced } from './db';
import { FaceDataUnreadableError, openBlob, openDescriptors, sealBlob, sealDescriptors, type SealedValue } from './faceCrypto';
import { addPrivacyLog, type NewPrivacyLog } from './privacyLog';
import type { Quality } from '@/ml/types';

export type SampleSource = 'camera' | 'upload' | 'folder' | 'correction';

/** One enrolment photo of a student: the descriptor trains the model, the crop is shown to the teacher. */
export interface FaceSampleRow extends Synced {
  studentId: string;
  classId: string;
  descriptor: number[];
  descriptorVersion: string;
  /** The same face in altered copies of the photo (ml/augment.ts): extra training samples, erased with the photo. */
  augmented?: number[][];
  /** The face cut from the photo (JPEG), kept on this device only. */
  crop: Blob | null;
  quality: Quality;
  source: SampleSource;
  /** Kept although it looked like someone else: the teacher chose to keep it, and the mark stays until it is removed. */
  doubtful?: SampleDoubt;
}

/** Why an enrolment photo was doubtful when it was kept (enrolment/photos.ts decides). */
export interface SampleDoubt {
  /** 'looks-like': nearer another student's photos than this student's own; 'unlike': far from all of this student's photos. */
  kind: 'looks-like' | 'unlike';
  /** The student it looked like, for 'looks-like'. */
  otherStudentId?: string;
  /** How far it was: mean descriptor distance to that student's two nearest photos, or for 'unlike' to this student's nearest. */
  distance: number;
  /** When the teacher chose to keep it anyway. */
  keptAt: string;
}

/** A "not this person" correction: this face must not be recognised as `studentId`. */
export interface NegativeRow {
  id: string;
  studentId: string;
  classId: string;
  descriptor: number[];
  descriptorVersion: string;
  createdAt: string;
}

/**
 * A faceSamples row as IndexedDB holds it: the descriptor with its
 * augmented copies, and the crop, sealed. Rows written before encryption
 * still hold them in the clear until `sealPlaintextFaceData` has run; the
 * read functions in faceSamples.ts accept both and return a FaceSampleRow.
 */
export interface StoredFaceSampleRow extends Omit<FaceSampleRow, 'descriptor' | 'augmented' | 'crop'> {
  /** Descriptor and augmented copies, sealed together. */
  sealedFace?: SealedValue;
  /** The crop's bytes, sealed; null when no crop was kept. */
  sealedCrop?: SealedValue | null;
  /** The crop's MIME type (not secret), to rebuild the Blob. */
  cropType?: string;
  descriptor?: number[];
  augmented?: number[][];
  crop?: Blob | null;
}

/** A negatives row as IndexedDB holds it: the descriptor sealed (or, before encryption, in the clear). */
export interface StoredNegativeRow extends Omit<NegativeRow, 'descriptor'> {
  sealedFace?: SealedValue;
  descriptor?: number[];
}

export type NewFaceSample = Omit<FaceSampleRow, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export class ConsentRequiredError extends Error {
  readonly studentIds: string[];
  constructor(message: string, studentIds: string[]) {
    super(message);
    this.name = 'ConsentRequiredError';
    this.studentIds = studentIds;
  }
}

const sampleFace = (id: string) => `faceSamples/${id}/face`;
const sampleCrop = (id: string) => `faceSamples/${id}/crop`;
const negativeFace = (id: string) => `negatives/${id}/face`;

async function sealSample(db: RollcallDb, row: FaceSampleRow | StoredFaceSampleRow): Promise<StoredFaceSampleRow> {
  const { descriptor, augmented, crop, ...rest } = row;
  return {
    ...rest,
    sealedFace: await sealDescriptors(db, descriptor ?? [], augmented ?? [], sampleFace(row.id)),
    sealedCrop: crop ? await sealBlob(db, crop, sampleCrop(row.id)) : null,
    cropType: crop?.type ?? '',
  };
}

/** A sample's descriptor and augmented copies, as a row holds them. */
export interface OpenedFace {
  descriptor: number[];
  augmented?: number[][];
}

async function openFace(db: RollcallDb, row: StoredFaceSampleRow): Promise<OpenedFace> {
  // Written before encryption; sealPlaintextFaceData seals it after the next start.
  if (!row.sealedFace) return { descriptor: row.descriptor ?? [], ...(row.augmented ? { augmented: row.augmented } : {}) };
  const face = await openDescriptors(db, row.sealedFace, sampleFace(row.id));
  return { descriptor: face.descriptor, ...(face.augmented.length ? { augmented: face.augmented } : {}) };
}

function withoutFaceData(row: StoredFaceSampleRow): Omit<FaceSampleRow, 'descriptor' | 'augmented' | 'crop'> {
  const { sealedFace: _face, sealedCrop: _crop, cropType: _type, descriptor: _descriptor, augmented: _augmented, crop: _plainCrop, ...rest } = row;
  return rest;
}

async function openSample(db: RollcallDb, row: StoredFaceSampleRow): Promise<FaceSampleRow> {
  const face = await openFace(db, row);
  const crop = row.sealedFace ? (row.sealedCrop ? await openBlob(db, row.sealedCrop, row.cropType ?? '', sampleCrop(row.id)) : null) : (row.crop ?? null);
  return { ...withoutFaceData(row), ...face, crop };
}

async function sealNegative(db: RollcallDb, row: NegativeRow | StoredNegativeRow): Promise<StoredNegativeRow> {
  const { descriptor, ...rest } = row;
  return { ...rest, sealedFace: await sealDescriptors(db, descriptor ?? [], [], negativeFace(row.id)) };
}

async function openNegative(db: RollcallDb, row: StoredNegativeRow): Promise<NegativeRow> {
  const { sealedFace, descriptor, ...rest } = row;
  if (!sealedFace) return { ...rest, descriptor: descriptor ?? [] };
  return { ...rest, descriptor: (await openDescriptors(db, sealedFace, negativeFace(row.id))).descriptor };
}

/** Rows sealed under a key this device no longer has cannot be used; they are left out here and removed by `removeUnreadableFaceData`. */
async function openAll<S, T>(rows: readonly S[], open: (row: S) => Promise<T>): Promise<T[]> {
  const opened = await Promise.all(
    rows.map((r) =>
      open(r).catch((err: unknown) => {
        if (err instanceof FaceDataUnreadableError) return null;
        throw err;
      }),
    ),
  );
  return opened.filter((r): r is Awaited<T> => r !== null);
}

/** Refuses face data of students without consent in force, naming them. Runs inside the writing transaction. */
async function requireConsent(db: RollcallDb, studentIds: readonly string[]) {
  const refused: { id: string; message: string }[] = [];
  for (const id of new Set(studentIds)) {
    const status = consentStatus(await db.consents.where('studentId').equals(id).toArray());
    if (status.state === 'given') continue;
    const student = await db.students.get(id);
    refused.push({ id, message: noConsentMessage(student?.fullName ?? 'this student', status.state) });
  }
  if (refused.length) throw new ConsentRequiredError(refused.map((r) => r.message).join(' '), refused.map((r) => r.id));
}

export async function addFaceSamples(db: RollcallDb, samples: readonly NewFaceSample[], now = new Date()): Promise<FaceSampleRow[]> {
  const at = now.toISOString();
  const rows: FaceSampleRow[] = samples.map((s) => ({ ...s, id: crypto.randomUUID(), createdAt: at, updatedAt: at, deletedAt: null }));
  const sealed = await Promise.all(rows.map((r) => sealSample(db, r)));
  await db.transaction('rw', db.faceSamples, db.consents, db.students, async () => {
    await requireConsent(db, rows.map((r) => r.studentId));
    await db.faceSamples.bulkAdd(sealed);
  });
  return rows;
}

export async function listFaceSamples(db: RollcallDb, studentId: string): Promise<FaceSampleRow[]> {
  const rows = await db.faceSamples.where('studentId').equals(studentId).toArray();
  const opened = await openAll(rows, (r) => openSample(db, r));
  return opened.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function listClassFaceSamples(db: RollcallDb, classId: string): Promise<FaceSampleRow[]> {
  const rows = await db.faceSamples.where('classId').equals(classId).toArray();
  return openAll(rows, (r) => openSample(db, r));
}

/** A sample without its crop: what judging a new photo and training read. */
export type SampleFace = Omit<FaceSampleRow, 'crop'>;

/**
 * Faces already opened, by sample id, for a caller that reads a class's
 * faces again and again (enrolment judges each new photo, then trains). A
 * sample's face never changes once written, since a new photo is a new row,
 * so what was opened once stays right.
 */
export type OpenedFaces = Map<string, OpenedFace>;

/**
 * The class's samples without their crops, each face decrypted at most once
 * over the calls that share `opened`: rows it already holds are not opened
 * again, and rows gone from the table (deleted, erased) leave it.
 */
export async function listClassFaces(db: RollcallDb, classId: string, opened: OpenedFaces = new Map()): Promise<SampleFace[]> {
  const rows = await db.faceSamples.where('classId').equals(classId).toArray();
  const present = new Set(rows.map((r) => r.id));
  for (const id of opened.keys()) if (!present.has(id)) opened.delete(id);
  return openAll(rows, async (r) => {
    let face = opened.get(r.id);
    if (!face) {
      face = await openFace(db, r);
      opened.set(r.id, face);
    }
    return { ...withoutFaceData(r), ...face };
  });
}

/** Face data is erased outright, not tombstoned: nothing of the face should remain. */
export async function deleteFaceSample(db: RollcallDb, id: string) {
  await db.faceSamples.delete(id);
}

export async function addNegative(db: RollcallDb, input: Omit<NegativeRow, 'id' | 'createdAt'>, now = new Date()): Promise<NegativeRow> {
  const row: NegativeRow = { ...input, id: crypto.randomUUID(), createdAt: now.toISOString() };
  await db.negatives.add(await sealNegative(db, row));
  return row;
}

export async function listClassNegatives(db: RollcallDb, classId: string): Promise<NegativeRow[]> {
  const rows = await db.negatives.where('classId').equals(classId).toArray();
  return openAll(rows, (r) => openNegative(db, r));
}

export async function listStudentNegatives(db: RollcallDb, studentId: string): Promise<NegativeRow[]> {
  const rows = await db.negatives.where('studentId').equals(studentId).toArray();
  return openAll(rows, (r) => openNegative(db, r));
}

/** Counts of enrolment photos per student of a class (of one descriptor version, when given), without opening them. */
export async function sampleCounts(db: RollcallDb, classId: string, descriptorVersion?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await db.faceSamples.where('classId').equals(classId).each((s) => {
    if (descriptorVersion === undefined || s.descriptorVersion === descriptorVersion) counts.set(s.studentId, (counts.get(s.studentId) ?? 0) + 1);
  });
  return counts;
}

/** Face data opened for a backup file: everything a table holds, decrypted; rows this device cannot open are left as they are. */
export async function openFaceRowsForExport(db: RollcallDb, table: 'faceSamples' | 'negatives', rows: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const open = table === 'faceSamples' ? (r: Record<string, unknown>) => openSample(db, r as unknown as StoredFaceSampleRow) : (r: Record<string, unknown>) => openNegative(db, r as unknown as StoredNegativeRow);
  return Promise.all(rows.map((r) => open(r).then((o) => o as unknown as Record<string, unknown>, () => r)));
}

/** Seals the plaintext face data of rows about to be restored; sealed rows pass through. */
export async function sealFaceRowsForImport(db: RollcallDb, table: 'faceSamples' | 'negatives', rows: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const seal = table === 'faceSamples' ? (r: Record<string, unknown>) => sealSample(db, r as unknown as StoredFaceSampleRow) : (r: Record<string, unknown>) => sealNegative(db, r as unknown as StoredNegativeRow);
  return Promise.all(rows.map(async (r) => (isPlaintext(r) ? ((await seal(r)) as unknown as Record<string, unknown>) : r)));
}

const isPlaintext = (row: object) => !('sealedFace' in row && row.sealedFace) && ('descriptor' in row || 'crop' in row || 'augmented' in row);

/**
 * Seals rows written before encryption, a batch at a time: each batch is
 * sealed outside a transaction, then written in one, skipping rows that
 * changed meanwhile. Returns how many rows were sealed.
 */
export async function sealPlaintextFaceData(db: RollcallDb, batchSize = 50): Promise<{ faceSamples: number; negatives: number }> {
  const done = { faceSamples: 0, negatives: 0 };
  for (const name of ['faceSamples', 'negatives'] as const) {
    const table = db.table<StoredFaceSampleRow | StoredNegativeRow, string>(name);
    let after = '';
    for (;;) {
      const page = await table.where(':id').above(after).limit(batchSize).toArray();
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const plain = page.filter(isPlaintext);
      if (plain.length === 0) continue;
      const sealed = await Promise.all(plain.map((r) => (name === 'faceSamples' ? sealSample(db, r as StoredFaceSampleRow) : sealNegative(db, r as StoredNegativeRow))));
      await db.transaction('rw', table, async () => {
        for (const [i, row] of sealed.entries()) {
          const current = await table.get(row.id);
          if (!current || !isPlaintext(current) || JSON.stringify(current.createdAt) !== JSON.stringify(plain[i]!.createdAt)) continue;
          if ('updatedAt' in current && current.updatedAt !== (plain[i] as StoredFaceSampleRow).updatedAt) continue;
          await table.put(row);
          done[name] += 1;
        }
      });
    }
  }
  return done;
}

/** Rows sealed under a key this device does not have (another phone's, or a lost one): they cannot be used, so they go. */
export async function findUnreadableFaceData(db: RollcallDb): Promise<{ faceSamples: string[]; negatives: string[] }> {
  const out = { faceSamples: [] as string[], negatives: [] as string[] };
  await Promise.all([
    ...(await db.faceSamples.toArray()).map((r) => openSample(db, r).catch((err: unknown) => (err instanceof FaceDataUnreadableError ? out.faceSamples.push(r.id) : Promise.reject(err)))),
    ...(await db.negatives.toArray()).map((r) => openNegative(db, r).catch((err: unknown) => (err instanceof FaceDataUnreadableError ? out.negatives.push(r.id) : Promise.reject(err)))),
  ]);
  return out;
}

/** Every face sample and correction, without opening them: what retention decides on. */
export async function listFaceDataItems(db: RollcallDb): Promise<FaceDataItem[]> {
  const pick = (table: FaceDataItem['table']) => (r: StoredFaceSampleRow | StoredNegativeRow): FaceDataItem => ({ table, id: r.id, studentId: r.studentId, classId: r.classId, createdAt: r.createdAt });
  const [samples, negatives] = await Promise.all([db.faceSamples.toArray(), db.negatives.toArray()]);
  return [...samples.map(pick('faceSamples')), ...negatives.map(pick('negatives'))];
}

/** The students each stored model version names (null: unreadable), by scope. */
export async function listModelVersionNames(db: RollcallDb): Promise<ModelVersionNames[]> {
  return (await db.modelVersions.toArray()).map((v) => ({ id: v.id, scope: v.scope, students: modelStudents(v) }));
}

/** What to erase. Every model version naming a student concerned goes too. */
export interface FaceDataErasure {
  /** Every sample and correction of these students. */
  studentIds?: readonly string[];
  /** These rows (retention); their students' model versions go. */
  sampleIds?: readonly string[];
  negativeIds?: readonly string[];
  /** Only the model versions naming these students; their rows stay. */
  modelsOf?: readonly string[];
}

export interface FaceDataErased {
  /** Rows removed per table. */
  counts: { faceSamples: number; negatives: number; modelVersions: number };
  /** Students whose face data was touched, and their classes (to retrain). */
  studentIds: string[];
  classIds: string[];
  modelVersionIds: string[];
}

/**
 * Erases face data in one transaction, with every trained model version
 * that names one of the students concerned (old and rejected ones too, since
 * a model's gallery holds its students' descriptors), and writes `log`
 * with the counts in the same transaction. Safe inside a caller's
 * transaction that includes these tables.
 */
export async function eraseFaceData(db: RollcallDb, erasure: FaceDataErasure, log: Omit<NewPrivacyLog, 'counts'> | null, now = new Date()): Promise<FaceDataErased> {
  return db.transaction('rw', [db.faceSamples, db.negatives, db.modelVersions, db.students, db.privacyLog, db.settings], async () => {
    const ids = new Set(erasure.studentIds ?? []);
    const samples = [
      ...(ids.size ? await db.faceSamples.where('studentId').anyOf([...ids]).toArray() : []),
      ...(erasure.sampleIds?.length ? ((await db.faceSamples.bulkGet([...erasure.sampleIds])).filter(Boolean) as StoredFaceSampleRow[]) : []),
    ];
    const negatives = [
      ...(ids.size ? await db.negatives.where('studentId').anyOf([...ids]).toArray() : []),
      ...(erasure.negativeIds?.length ? ((await db.negatives.bulkGet([...erasure.negativeIds])).filter(Boolean) as StoredNegativeRow[]) : []),
    ];
    for (const r of [...samples, ...negatives]) ids.add(r.studentId);
    for (const id of erasure.modelsOf ?? []) ids.add(id);
    const classIds = new Set([...samples, ...negatives].map((r) => r.classId));
    for (const s of await db.students.bulkGet([...ids])) if (s) classIds.add(s.classId);

    const sampleIds = [...new Set(samples.map((r) => r.id))];
    const negativeIds = [...new Set(negatives.map((r) => r.id))];
    await db.faceSamples.bulkDelete(sampleIds);
    await db.negatives.bulkDelete(negativeIds);
    const versions = (await db.modelVersions.toArray()).map((v) => ({ id: v.id, scope: v.scope, students: modelStudents(v) }));
    const modelVersionIds = modelVersionsToDelete(versions, ids, classIds);
    await db.modelVersions.bulkDelete(modelVersionIds);

    const counts = { faceSamples: sampleIds.length, negatives: negativeIds.length, modelVersions: modelVersionIds.length };
    if (log) await addPrivacyLog(db, { ...log, counts }, now);
    return { counts, studentIds: [...ids], classIds: [...classIds], modelVersionIds };
  });
}
