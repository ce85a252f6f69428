/**
 * Consent from signed paper forms for many students at once: each is given
 * by the guardian named on the roster (or by the student, 18 or over), so a
 * student with no guardian's name cannot be recorded this way. Pure. The
 * button counts what will be recorded and the skipped are named before the
 * teacher taps, not after.
 */
import type { ConsentRelationship } from '@/db/consents';

interface RosterPerson {
  id: string;
  fullName: string;
  guardianName: string;
}

export interface BulkConsentPlan<T extends RosterPerson> {
  recorded: { student: T; givenByName: string }[];
  skipped: T[];
  /** "Record consent for 7 students" */
  button: string;
  /** Who will be skipped and why, or '' when nobody is. */
  skippedNote: string;
}

const names = (people: readonly RosterPerson[]) =>
  people.length === 1 ? people[0]!.fullName : `${people.slice(0, -1).map((p) => p.fullName).join(', ')} and ${people[people.length - 1]!.fullName}`;

export function bulkConsentPlan<T extends RosterPerson>(ticked: readonly T[], relationship: ConsentRelationship): BulkConsentPlan<T> {
  const recorded: { student: T; givenByName: string }[] = [];
  const skipped: T[] = [];
  for (const student of ticked) {
    const givenByName = (relationship === 'self' ? student.fullName : student.guardianName).trim();
    if (givenByName) recorded.push({ student, givenByName });
    else skipped.push(student);
  }
  const n = recorded.length;
  return {
    recorded,
    skipped,
    button: `Record consent for ${n} ${n === 1 ? 'student' : 'students'}`,
    skippedNote: skipped.length
      ? `${names(skipped)} ${skipped.length === 1 ? 'has' : 'have'} no guardian’s name on the roster and will be skipped: record theirs on the student’s page.`
      : '',
  };
}
