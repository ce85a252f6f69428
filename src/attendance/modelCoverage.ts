/**
 * Which students of a class today's face model cannot recognise, and why; and
 * why each stored model version is or is not in use, in words a teacher can
 * act on. Pure: the models store reads the rows and passes plain data in.
 *
 * A student the model does not know is never seen by the camera, so Finish
 * would mark them absent and their guardians would be told. Saying who they
 * are is what lets the teacher mark them by hand.
 */
import type { ModelStatus } from '@/db/modelVersions';

export type MissingReason = 'rolled back' | 'retrain pending' | 'too few photos' | 'no photos';

/** What a stored version holds, as far as coverage and its explanation need. */
export interface VersionFacts {
  id: string;
  createdAt: string;
  status: ModelStatus;
  statusReason: string;
  accuracy: number | null;
  /** Student ids the version recognises; null when its artifact cannot be read. */
  students: readonly string[] | null;
  /** Enrolment photos per student it trained on (its gallery); null when they cannot be read. */
  photos: ReadonlyMap<string, number> | null;
}

export interface CoverageInput {
  roster: readonly { id: string; fullName: string }[];
  /** Photos per student that the next training would use. */
  photos: ReadonlyMap<string, number>;
  versions: readonly VersionFacts[];
  /** A retrain of the class is scheduled or running. */
  retrainPending: boolean;
  /** Photos a student needs to be trained on. */
  minPhotos: number;
}

export interface MissingStudent {
  studentId: string;
  fullName: string;
  /** First name and initial, unless that would read the same as a classmate's. */
  shortName: string;
  reason: MissingReason;
  photos: number;
  /** More photos needed before training can include them (0 when they have enough). */
  photosNeeded: number;
  /** For 'rolled back': the newest version that knows the student and is not in use. */
  versionId?: string;
}

/** The version attendance is taken with: the newest active one, as db/modelVersions picks it. */
export function activeVersion<T extends Pick<VersionFacts, 'status' | 'createdAt'>>(versions: readonly T[]): T | undefined {
  return versions.filter((v) => v.status === 'active').sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * The roster's students that the active version does not recognise, in roster
 * order. Empty when the active version cannot be read: recognition itself
 * reports a damaged model, and guessing here would list the whole class.
 */
export function studentsMissingFromModel(input: CoverageInput): MissingStudent[] {
  const active = activeVersion(input.versions);
  if (active && active.students === null) return [];
  const known = new Set(active?.students ?? []);
  const short = shortNames(input.roster);
  const newerNotUsed = input.versions
    .filter((v) => v.status !== 'active' && (!active || v.createdAt > active.createdAt))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const missing: MissingStudent[] = [];
  for (const s of input.roster) {
    if (known.has(s.id)) continue;
    const photos = input.photos.get(s.id) ?? 0;
    const base = { studentId: s.id, fullName: s.fullName, shortName: short.get(s.id) ?? s.fullName, photos, photosNeeded: Math.max(0, input.minPhotos - photos) };
    if (photos === 0) {
      missing.push({ ...base, reason: 'no photos' });
    } else if (photos < input.minPhotos) {
      missing.push({ ...base, reason: 'too few photos' });
    } else {
      // A retrain under way will include them whatever an older attempt did.
      const rolledBack = input.retrainPending ? undefined : newerNotUsed.find((v) => v.students?.includes(s.id));
      missing.push(rolledBack ? { ...base, reason: 'rolled back', versionId: rolledBack.id } : { ...base, reason: 'retrain pending' });
    }
  }
  return missing;
}

/** Not yet marked at all: the ones Finish would mark absent without anyone having looked for them. */
export function unmarkedMissing(missing: readonly MissingStudent[], marked: { has(studentId: string): boolean }): MissingStudent[] {
  return missing.filter((m) => !marked.has(m.studentId));
}

/** Why one student is missing, in a few words that say what to do. */
export function missingReasonWords(m: Pick<MissingStudent, 'reason' | 'photos' | 'photosNeeded'>): string {
  switch (m.reason) {
    case 'rolled back':
      return 'the newer model that knows them was not used (see the Model tab)';
    case 'retrain pending':
      return 'photos added after today’s model was trained; it retrains on this phone by itself';
    case 'too few photos':
      return `${m.photos} photo${m.photos === 1 ? '' : 's'}, needs ${m.photosNeeded} more to be recognised`;
    case 'no photos':
      return 'no photos yet';
  }
}

/** "Howard Wolowitz" → "Howard W."; a full name where two classmates would read the same. */
export function shortNames(roster: readonly { id: string; fullName: string }[]): Map<string, string> {
  const short = (name: string) => {
    const parts = name.trim().split(/\s+/);
    return parts.length < 2 ? parts[0] ?? name : `${parts[0]} ${[...parts[parts.length - 1]!][0]!.toUpperCase()}.`;
  };
  const counts = new Map<string, number>();
  for (const s of roster) counts.set(short(s.fullName), (counts.get(short(s.fullName)) ?? 0) + 1);
  return new Map(roster.map((s) => [s.id, counts.get(short(s.fullName))! > 1 ? s.fullName : short(s.fullName)]));
}

/** "Ana", "Ana and Bea", "Ana, Bea and Cleo". */
export function listWords(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export interface VersionExplanation {
  /** What happened to it, plainly. */
  text: string;
  /** What the teacher can do about it, when there is something to do. */
  advice: string | null;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const pctText = (s: string) => `${Math.round(Number(s))}%`;

// The reasons written by ml/classifier/versioning.ts (decideActivation) and the stores; the tests feed the real ones.
const ROLLED_BACK = /held-out accuracy ([\d.]+)% is [\d.]+ points below the active version's ([\d.]+)%/;
const ACCEPTED = /^held-out accuracy ([\d.]+)% \(active was ([\d.]+)%\)/;
const REPLACED = /^replaced by ([0-9a-z-]+): (.*)$/i;

/** The version a new one was measured against when it was trained: the newest older one that was not itself turned down. */
function baselineOf(v: VersionFacts, all: readonly VersionFacts[], baselineAccuracy: string | null): VersionFacts | undefined {
  const older = all.filter((o) => o.id !== v.id && o.createdAt < v.createdAt && o.status !== 'rejected').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const byFigure = baselineAccuracy === null ? undefined : older.find((o) => o.accuracy !== null && (o.accuracy * 100).toFixed(1) === baselineAccuracy);
  return byFigure ?? older[0];
}

/** Students whose photos this version has more of than the one it was measured against (new students included). */
function changedStudents(v: VersionFacts, baseline: VersionFacts | undefined): string[] {
  if (!baseline || !v.students) return [];
  const before = new Set(baseline.students ?? []);
  return v.students.filter((id) => !before.has(id) || (v.photos && baseline.photos && (v.photos.get(id) ?? 0) > (baseline.photos.get(id) ?? 0)));
}

/** Students this version knows that the one in use does not. Texts of versions not in use avoid the words "in use", which mark the active one. */
function knownOnlyHere(v: VersionFacts, all: readonly VersionFacts[]): string[] {
  const active = activeVersion(all);
  if (!active || active.id === v.id || !v.students || !active.students) return [];
  const inUse = new Set(active.students);
  return v.students.filter((id) => !inUse.has(id));
}

/**
 * Why a version is in use or not, and what to do. `nameOf` turns a student
 * id into a name (students erased or moved are left out by the caller).
 */
export function explainVersion(v: VersionFacts, all: readonly VersionFacts[], nameOf: (studentId: string) => string | undefined): VersionExplanation {
  const names = (ids: readonly string[]) => ids.map(nameOf).filter((n): n is string => !!n);
  const onlyHere = names(knownOnlyHere(v, all));
  const notInUse = onlyHere.length ? ` Until then today’s face model does not know ${listWords(onlyHere)}: mark them by hand.` : '';
  const reason = v.statusReason;

  if (v.status === 'rejected') {
    const m = ROLLED_BACK.exec(reason);
    if (!m) return { text: `Not used: ${reason}.`, advice: `Tap “Use this” to use it anyway.${notInUse}` };
    const baseline = baselineOf(v, all, m[2]!);
    const changed = names(changedStudents(v, baseline));
    const text = `Rolled back: it recognised the class worse (${pctText(m[1]!)} vs ${pctText(m[2]!)}).${changed.length ? ` New in it: photos of ${listWords(changed)}.` : ''}`;
    const fix = changed.length === 1
      ? `Remove the doubtful photo of ${changed[0]} (Students tab), or tap “Use this” to use it anyway.`
      : changed.length
        ? `Check the new photos of ${listWords(changed)} and remove any that is doubtful (someone else, a look-alike, a poor shot), or tap “Use this” to use it anyway.`
        : 'Check the newest enrolment photos and remove any that is doubtful, or tap “Use this” to use it anyway.';
    return { text, advice: `${fix}${notInUse}` };
  }

  if (v.status === 'inactive') {
    const m = REPLACED.exec(reason);
    if (reason === 'trained') return { text: 'Just trained.', advice: null };
    const why = m?.[2] ?? '';
    const text = !m
      ? `Set aside: ${reason}.`
      : why === 'rolled back by hand'
        ? 'Set aside: another model was chosen by hand.'
        : why === "the class's model on the school server"
          ? 'Replaced by the class’s model from the school server.'
          : 'Replaced by a newer model.';
    return { text, advice: `Tap “Use this” to go back to it.${onlyHere.length ? ` It knows ${listWords(onlyHere)}, whom today’s face model does not.` : ''}` };
  }

  const accepted = ACCEPTED.exec(reason);
  if (reason === 'first model for this class') return { text: 'In use: the first model for this class.', advice: null };
  if (reason === 'rolled back by hand') return { text: 'In use: chosen by hand.', advice: null };
  if (reason === "the class's model on the school server") return { text: 'In use: the class’s model from the school server.', advice: null };
  if (reason.startsWith('no held-out accuracy')) {
    return { text: 'In use: too few photos to check how well it recognises the class, so the newest enrolment is used.', advice: 'Three photos or more of each student let the next model be checked.' };
  }
  if (accepted) return { text: `In use: it recognised ${pctText(accepted[1]!)} of the held-out photos (the one before: ${pctText(accepted[2]!)}).`, advice: null };
  return { text: `In use${v.accuracy !== null ? ` (recognised ${pct(v.accuracy)} of the held-out photos)` : ''}: ${reason}.`, advice: null };
}
