/**
 * Consent, erasure, retention and access requests for students' face data.
 * Erasures here wait for any class training already running (it may have
 * read the erased photos), erase again any model version it saved, then
 * retrain without them; the server's half goes through `ServerErasure`,
 * retried until it succeeds (the privacy log shows it as pending).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { takenByName } from '@/attendance/origin';
import { retentionPeriod } from '@/attendance/policy';
import { getDb, type RollcallDb } from '@/db/db';
import { listClassConsents, listConsents, recordConsents, withdrawConsent, type ConsentRow } from '@/db/consents';
import { eraseFaceData as eraseFaceRows, findUnreadableFaceData, listFaceDataItems, listModelVersionNames, sealPlaintextFaceData } from '@/db/faceSamples';
import { addPrivacyLog, listPrivacyLog, type PrivacyLogRow } from '@/db/privacyLog';
import { deleteClassReviewPhotos, purgeReviewPhotos } from '@/db/reviewPhotos';
import { sendServerErasures as sendPendingErasures, type EraseOnServer } from '@/sync/sendServerErasures';
import { sealPlaintextModels } from '@/db/modelVersions';
import type { StudentRow } from '@/db/classes';
import { getSetting, setSetting } from '@/db/settings';
import { collectStudentData, deleteStudentCompletely, studentStandings, type StudentData } from '@/db/studentData';
import { consentStatus, type ConsentInput, type ConsentStatus } from '@/privacy/consent';
import { bulkConsentPlan } from '@/privacy/classConsents';
import { DEFAULT_RETENTION_DAYS, PURGE_REASON_TEXT, retentionDaysProblem, retentionPurges, upkeepDue } from '@/privacy/retention';
import { downloadBytes, XLSX_MIME } from '@/reports';
import { accessFileName, exportStudentAccessWorkbook, studentAccessJson, type StudentAccessInput } from '@/reports/studentAccessExport';
import { useEnrolmentStore } from './enrolment';
import { describeError } from './errors';
import { useClassModelsStore } from './classModels';
import { policyOfDevice, RETENTION_DAYS_KEY } from './devicePolicy';

/**
 * The server's half of an erasure: delete the student's trained model
 * artifacts and any synced face templates on the server (and, when `full`,
 * their attendance records and details). Resolve once done; throw to have
 * it tried again at the next start or erasure.
 */
export interface ServerErasure {
  eraseStudent: EraseOnServer;
}

export type SaveFile = (content: Uint8Array | string, fileName: string, mime: string) => void;

export { RETENTION_DAYS_KEY };

/** The period face data is kept for on this phone, and the school that set it (null: set on the phone). */
async function retentionNow(d: RollcallDb): Promise<{ days: number; setBy: string | null }> {
  const policy = await policyOfDevice(d);
  return { days: retentionPeriod(policy), setBy: policy.school?.name ?? null };
}
export const LAST_UPKEEP_KEY = 'privacy.lastUpkeepAt';

export interface UpkeepReport {
  at: string;
  sealed: number;
  unreadableRemoved: number;
  purged: number;
  modelVersionsDeleted: number;
  /** Class photos kept for review whose session is finished or past REVIEW_PHOTO_DAYS. */
  reviewPhotos: number;
}

export const usePrivacyStore = defineStore('privacy', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  let serverErasure: ServerErasure | null = null;
  let saveFile: SaveFile = (content, name, mime) => downloadBytes(content, name, mime);
  let clock = () => new Date();
  const db = () => dbRef.value ?? getDb();

  /** Consent records per student, for the students loaded so far. */
  const consents = ref<Record<string, ConsentRow[]>>({});
  const log = ref<PrivacyLogRow[]>([]);
  const retentionDays = ref(DEFAULT_RETENTION_DAYS);
  /** The school whose setting `retentionDays` is, or null when it was set on this phone. */
  const retentionSetBy = ref<string | null>(null);
  const lastUpkeep = ref<UpkeepReport | null>(null);
  /** What is happening, in words, while it happens. */
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  /** Students a screen asked the class's consent form to open for (a folder import refused their photos). */
  const consentAsked = ref<string[] | null>(null);
  const askForConsent = (studentIds: string[]) => (consentAsked.value = [...studentIds]);
  let upkeepRunning: Promise<UpkeepReport | null> | null = null;
  let upkeepRanThisSession = false;

  function configure(options: { db?: RollcallDb; serverErasure?: ServerErasure | null; saveFile?: SaveFile; now?: () => Date }) {
    if (options.db) dbRef.value = options.db;
    if (options.serverErasure !== undefined) serverErasure = options.serverErasure;
    if (options.saveFile) saveFile = options.saveFile;
    if (options.now) clock = options.now;
  }

  const statusOf = (studentId: string): ConsentStatus => consentStatus(consents.value[studentId] ?? []);
  const pendingServer = computed(() => log.value.filter((l) => l.server === 'pending').length);

  async function recorder(): Promise<string> {
    return (await getSetting(db(), 'teacherName', '')) || 'a teacher';
  }

  async function loadStudent(studentId: string) {
    consents.value = { ...consents.value, [studentId]: await listConsents(db(), studentId) };
  }

  async function loadClass(classId: string) {
    const rows = await listClassConsents(db(), classId);
    const next: Record<string, ConsentRow[]> = { ...consents.value };
    for (const id of new Set(rows.map((r) => r.studentId))) next[id] = [];
    for (const r of rows) next[r.studentId]!.push(r);
    consents.value = next;
    await loadRetention();
  }

  async function loadRetention() {
    const now = await retentionNow(db());
    retentionDays.value = now.days;
    retentionSetBy.value = now.setBy;
  }

  async function loadLog(options: { studentId?: string; limit?: number } = {}) {
    log.value = await listPrivacyLog(db(), options);
  }

  async function recordConsent(student: StudentRow, input: ConsentInput) {
    await recordConsents(db(), [{ ...input, studentId: student.id }], await recorder(), clock());
    await loadStudent(student.id);
  }

  /**
   * Signed paper forms for many students at once, by the rule in
   * privacy/classConsents.ts: students without a guardian's name are left
   * out and returned, to be recorded one by one.
   */
  async function recordClassConsents(students: readonly StudentRow[], common: Omit<ConsentInput, 'givenByName'>): Promise<{ recorded: number; skipped: StudentRow[] }> {
    const plan = bulkConsentPlan(students, common.relationship);
    const inputs = plan.recorded.map(({ student, givenByName }) => ({ ...common, studentId: student.id, givenByName }));
    if (inputs.length) await recordConsents(db(), inputs, await recorder(), clock());
    for (const { student } of plan.recorded) await loadStudent(student.id);
    return { recorded: inputs.length, skipped: plan.skipped };
  }

  /** After face data left the database: catch a model trained meanwhile, drop the class photos under review that show them, retrain, and tell the server. */
  async function afterErasure(studentIds: readonly string[], classIds: readonly string[]) {
    const models = useClassModelsStore();
    for (const classId of classIds) await models.settled(classId);
    // A training that had already read the erased photos may have saved a version since.
    await eraseFaceRows(db(), { modelsOf: studentIds }, null, clock());
    await deleteClassReviewPhotos(db(), classIds);
    const enrolment = useEnrolmentStore();
    for (const classId of classIds) {
      await enrolment.scheduleRetrain(classId);
      await models.refresh(classId);
    }
    await sendServerErasures();
  }

  async function run<T>(message: string, work: () => Promise<T>): Promise<T> {
    busy.value = message;
    error.value = null;
    try {
      return await work();
    } catch (err) {
      error.value = describeError(err);
      throw err;
    } finally {
      busy.value = null;
    }
  }

  /** Consent withdrawn: the record is kept (withdrawn), the face data erased at once. */
  async function withdraw(student: StudentRow) {
    await run('Withdrawing consent and erasing face data…', async () => {
      const { erased } = await withdrawConsent(db(), student.id, await recorder(), clock());
      await afterErasure([student.id], erased.classIds.length ? erased.classIds : [student.classId]);
      await loadStudent(student.id);
    });
  }

  /** "Delete this student's face data": photos, corrections, augmented copies, every model naming them. Attendance stays. */
  async function eraseFaceData(student: StudentRow) {
    await run('Erasing face data…', async () => {
      const erased = await eraseFaceRows(
        db(),
        { studentIds: [student.id] },
        { kind: 'face-data-erased', studentId: student.id, classId: student.classId, summary: 'The student’s face data was erased from this device on request.', by: await recorder(), server: 'pending' },
        clock(),
      );
      await afterErasure([student.id], erased.classIds.length ? erased.classIds : [student.classId]);
    });
  }

  /** "Delete everything about this student": face data, consents, attendance history and details. */
  async function deleteEverything(student: StudentRow) {
    await run('Deleting everything about the student…', async () => {
      await deleteStudentCompletely(db(), student.id, await recorder(), clock());
      await afterErasure([student.id], [student.classId]);
      const { [student.id]: _gone, ...rest } = consents.value;
      consents.value = rest;
    });
  }

  /** Sends the erasures the server has not confirmed; a failure leaves them pending for the next try. */
  async function sendServerErasures(): Promise<number> {
    return serverErasure ? sendPendingErasures(db(), serverErasure.eraseStudent) : 0;
  }

  async function setRetentionDays(days: number) {
    // While the school decides, the phone's own period stays as it was.
    const { setBy } = await retentionNow(db());
    if (setBy) throw new Error(`Set by ${setBy} for every phone; an admin changes it on the School page.`);
    const problem = retentionDaysProblem(days);
    if (problem) throw new Error(problem);
    await setSetting(db(), RETENTION_DAYS_KEY, days);
    retentionDays.value = days;
  }

  /**
   * Start-up and daily work: seal face data still in the clear, remove what
   * cannot be decrypted, purge what retention says must go (and models that
   * name students who left or withdrew), and retry the server's erasures.
   */
  async function upkeep(): Promise<UpkeepReport> {
    const d = db();
    const now = clock();
    const by = 'automatic';
    const sealed = { ...(await sealPlaintextFaceData(d)), modelVersions: await sealPlaintextModels(d) };
    if (sealed.faceSamples + sealed.negatives + sealed.modelVersions > 0) {
      await addPrivacyLog(d, { kind: 'face-data-encrypted', studentId: null, classId: null, summary: 'Face data stored before encryption was encrypted under this device’s key.', counts: sealed, by }, now);
    }

    const unreadable = await findUnreadableFaceData(d);
    let unreadableRemoved = 0;
    const touched = { students: new Set<string>(), classes: new Set<string>() };
    if (unreadable.faceSamples.length + unreadable.negatives.length > 0) {
      const erased = await eraseFaceRows(
        d,
        { sampleIds: unreadable.faceSamples, negativeIds: unreadable.negatives },
        { kind: 'unreadable-face-data-removed', studentId: null, classId: null, summary: 'Face data that could not be decrypted on this device (sealed under another device’s key) was removed.', by },
        now,
      );
      unreadableRemoved = erased.counts.faceSamples + erased.counts.negatives;
      erased.classIds.forEach((c) => touched.classes.add(c));
    }

    const { days, setBy } = await retentionNow(d);
    retentionDays.value = days;
    retentionSetBy.value = setBy;
    const standings = await studentStandings(d);
    const decisions = retentionPurges(await listFaceDataItems(d), (id) => standings.get(id), { retentionDays: days }, now);
    // Models still naming a student who left or withdrew (removed from the roster before this ran, say).
    for (const v of await listModelVersionNames(d)) {
      for (const id of v.students ?? []) {
        const s = standings.get(id);
        if (!s || s.left || s.consent === 'withdrawn') decisions.push({ item: { table: 'faceSamples', id: '', studentId: id, classId: v.scope, createdAt: '' }, reason: !s || s.left ? 'student-left' : 'consent-withdrawn' });
      }
    }
    let purged = 0;
    let modelVersionsDeleted = 0;
    for (const [key, group] of groupBy(decisions, (p) => `${p.item.studentId}\u0000${p.reason}`)) {
      const [studentId] = key.split('\u0000') as [string];
      const reason = group[0]!.reason;
      const rows = group.filter((p) => p.item.id);
      const erased = await eraseFaceRows(
        d,
        {
          sampleIds: rows.filter((p) => p.item.table === 'faceSamples').map((p) => p.item.id),
          negativeIds: rows.filter((p) => p.item.table === 'negatives').map((p) => p.item.id),
          // An expired photo goes alone (with the models trained on it); a student who left or withdrew loses everything.
          ...(reason === 'expired' ? {} : { studentIds: [studentId] }),
        },
        null,
        now,
      );
      const total = erased.counts.faceSamples + erased.counts.negatives + erased.counts.modelVersions;
      if (total === 0) continue;
      purged += erased.counts.faceSamples + erased.counts.negatives;
      modelVersionsDeleted += erased.counts.modelVersions;
      erased.classIds.forEach((c) => touched.classes.add(c));
      touched.students.add(studentId);
      await addPrivacyLog(
        d,
        {
          kind: 'retention-purge',
          studentId,
          classId: erased.classIds[0] ?? null,
          summary: `Retention: face data erased because ${PURGE_REASON_TEXT[reason]}${reason === 'expired' ? ` (${days} days)` : ''}.`,
          counts: erased.counts,
          by,
          server: 'pending',
        },
        now,
      );
    }
    if (touched.classes.size) await afterErasure([...touched.students], [...touched.classes]);
    else await sendServerErasures();

    const reviewPhotos = await purgeReviewPhotos(d, now);
    await setSetting(d, LAST_UPKEEP_KEY, now.toISOString());
    const report: UpkeepReport = { at: now.toISOString(), sealed: sealed.faceSamples + sealed.negatives, unreadableRemoved, purged, modelVersionsDeleted, reviewPhotos };
    lastUpkeep.value = report;
    return report;
  }

  /**
   * Runs upkeep on the first call after the app starts and then once a day;
   * calls while it runs join it. Errors are kept for the admin to see, not
   * thrown at whatever page happened to call.
   */
  function upkeepIfDue(): Promise<UpkeepReport | null> {
    upkeepRunning ??= (async () => {
      try {
        const last = await getSetting<string | null>(db(), LAST_UPKEEP_KEY, null);
        if (!upkeepDue(last, clock(), upkeepRanThisSession)) return null;
        upkeepRanThisSession = true;
        return await upkeep();
      } catch (err) {
        error.value = `Privacy upkeep failed: ${describeError(err)}`;
        return null;
      } finally {
        upkeepRunning = null;
      }
    })();
    return upkeepRunning;
  }

  /** An access request: everything held about the student, as JSON (complete) or Excel (readable). */
  async function exportAccess(student: StudentRow, format: 'json' | 'xlsx') {
    await run('Gathering everything held about the student…', async () => {
      const data = await collectStudentData(db(), student.id);
      if (!data) throw new Error('That student is not on this device.');
      const input = await accessInput(data, clock());
      const name = accessFileName(data.student, input.exportedAt);
      if (format === 'json') saveFile(studentAccessJson(input), `${name}.json`, 'application/json');
      else saveFile(await exportStudentAccessWorkbook(input), `${name}.xlsx`, XLSX_MIME);
      await addPrivacyLog(
        db(),
        {
          kind: 'access-export',
          studentId: student.id,
          classId: student.classId,
          summary: `Everything held about the student was exported (${format === 'json' ? 'JSON, with face data' : 'Excel'}) for an access request.`,
          counts: { faceSamples: data.faceSamples.length, marks: data.marks.length, consents: data.consents.length },
          by: await recorder(),
        },
        clock(),
      );
    });
  }

  return {
    consents, log, retentionDays, retentionSetBy, lastUpkeep, busy, error, pendingServer, consentAsked,
    configure, askForConsent, statusOf, loadStudent, loadClass, loadLog, recordConsent, recordClassConsents, withdraw, eraseFaceData, deleteEverything,
    sendServerErasures, loadRetention, setRetentionDays, upkeep, upkeepIfDue, exportAccess, afterErasure,
  };
});

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The gathered rows as the export's plain data: crops as base64, marks with their session's date. */
export async function accessInput(data: StudentData, now: Date): Promise<StudentAccessInput> {
  const sessions = new Map(data.sessions.map((s) => [s.id, s]));
  return {
    exportedAt: now.toISOString(),
    student: { ...data.student },
    className: data.class?.name ?? null,
    consents: data.consents.map((c) => ({ ...c })),
    photos: await Promise.all(
      data.faceSamples.map(async (p) => ({
        id: p.id,
        createdAt: p.createdAt,
        source: p.source,
        descriptorVersion: p.descriptorVersion,
        quality: { ...p.quality },
        descriptor: p.descriptor,
        augmented: p.augmented ?? [],
        crop: p.crop ? { type: p.crop.type, base64: await base64Of(p.crop) } : null,
      })),
    ),
    corrections: data.negatives.map((n) => ({ ...n })),
    models: data.modelVersions.map((m) => ({ id: m.id, createdAt: m.createdAt, status: m.status })),
    marks: data.marks.map((m) => ({ ...m, sessionStartsAt: sessions.get(m.sessionId)?.startsAt ?? null, takenBy: takenByName(sessions.get(m.sessionId)?.takenBy) })),
    recognitionEvents: data.recognitionEvents.map((e) => ({ ...e })),
    replacedMarks: data.markHistory.map((h) => ({ ...h })),
    pendingChanges: data.outbox.map((m) => ({ table: m.table, op: m.op, row: m.row, createdAt: m.createdAt, rejectedReason: m.rejectedReason ?? null })),
    privacyLog: data.privacyLog.map((l) => ({ ...l })),
  };
}

