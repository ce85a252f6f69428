/**
 * The access request as one styled Excel sheet, section under section.
 * Face templates and photos are summarised here; the JSON file holds them.
 * Loads sheetjs-style through export/workbook.ts, so import this file lazily.
 */
import { markOriginLabel, takenByName } from '@/attendance/origin';
import { HEADER_STYLE, LABEL_STYLE, text, TEXT_LEFT, TITLE_STYLE, writeWorkbook, type SheetCell } from './export/workbook';
import { accessMarkFacts, type StudentAccessInput } from './studentAccessExport';

const label = (value: string): SheetCell => text(value, LABEL_STYLE());
const header = (...titles: string[]): SheetCell[] => titles.map((t) => text(t, HEADER_STYLE({ wrapText: true })));
const when = (iso: string | null | undefined): SheetCell => (iso ? text(iso.replace('T', ' ').slice(0, 16), TEXT_LEFT()) : null);
const none = (rows: SheetCell[][], what: string) => rows.push([text(`No ${what}.`)]);

export function buildStudentAccessWorkbook(input: StudentAccessInput): Uint8Array<ArrayBuffer> {
  const s = input.student;
  const rows: SheetCell[][] = [
    [text(`Everything held about ${s.fullName || 'this student'} on this device`, TITLE_STYLE())],
    [label('Exported'), when(input.exportedAt)],
    [],
    [text('Student', TITLE_STYLE())],
    [label('Roll No'), text(s.rollNo, TEXT_LEFT())],
    [label('Name'), text(s.fullName)],
    [label('Class'), text(input.className ?? '')],
    [label('Guardian'), text(s.guardianName)],
    [label('Guardian phone'), text(s.guardianPhone, TEXT_LEFT())],
    [label('Guardian email'), text(s.email)],
    [label('Student email'), text(s.studentEmail)],
    [label('On the roster since'), when(s.createdAt)],
    ...(s.deletedAt ? [[label('Removed'), when(s.deletedAt)]] : []),
    [],
    [text(`Consent (${input.consents.length})`, TITLE_STYLE())],
    header('Given by', 'Relationship', 'How', 'Notice version', 'Given', 'Withdrawn', 'Recorded by'),
  ];
  if (!input.consents.length) none(rows, 'consent recorded');
  for (const c of input.consents) rows.push([text(c.givenByName), text(c.relationship), text(c.method), text(c.noticeVersion, TEXT_LEFT()), when(c.givenAt), when(c.withdrawnAt), text(c.recordedBy)]);

  rows.push([], [text(`Face photos (${input.photos.length})`, TITLE_STYLE())], [text('Each photo is kept as the face cut from it and a face template of 128 numbers; both are in the JSON file.')]);
  rows.push(header('Taken', 'How', 'Quality', 'Template version', 'Extra templates', 'Picture kept'));
  if (!input.photos.length) none(rows, 'face photos');
  for (const p of input.photos) {
    rows.push([when(p.createdAt), text(p.source), text(p.quality.ok ? 'good' : p.quality.issues.join(', ')), text(p.descriptorVersion), { value: p.augmented.length }, text(p.crop ? 'yes' : 'no')]);
  }
  rows.push([], [text(`“Not this student” corrections (${input.corrections.length})`, TITLE_STYLE())], header('Recorded'));
  if (!input.corrections.length) none(rows, 'corrections');
  for (const c of input.corrections) rows.push([when(c.createdAt)]);
  rows.push([], [text(`Trained face models that include the student (${input.models.length})`, TITLE_STYLE())], header('Trained', 'Status'));
  if (!input.models.length) none(rows, 'trained models');
  for (const m of input.models) rows.push([when(m.createdAt), text(m.status)]);

  rows.push([], [text(`Attendance (${input.marks.length})`, TITLE_STYLE())], header('Session', 'Taken by', 'Status', 'How', 'Confidence', 'Marked'));
  if (!input.marks.length) none(rows, 'attendance marks');
  for (const m of [...input.marks].sort((a, b) => (a.sessionStartsAt ?? a.markedAt).localeCompare(b.sessionStartsAt ?? b.markedAt))) {
    // A mark taken back is kept as held, and says so: it is not the student's status.
    rows.push([when(m.sessionStartsAt), text(takenByName(m.takenBy)), text(m.clearedAt ? `${m.status}, taken back` : m.status), text(markOriginLabel(accessMarkFacts(m))), m.confidence === null ? null : { value: m.confidence }, when(m.markedAt)]);
  }
  rows.push([], [text(`Faces recognised as the student (${input.recognitionEvents.length})`, TITLE_STYLE())], header('When', 'Confidence', 'Note'));
  if (!input.recognitionEvents.length) none(rows, 'recognitions');
  for (const e of input.recognitionEvents) rows.push([when(e.at), { value: e.confidence }, text(e.reason)]);

  rows.push([], [text(`Privacy log (${input.privacyLog.length})`, TITLE_STYLE())], header('When', 'What', 'Details', 'By'));
  if (!input.privacyLog.length) none(rows, 'entries');
  for (const l of input.privacyLog) rows.push([when(l.at), text(l.kind), text(l.summary), text(l.by)]);

  return writeWorkbook('Access request', rows, { widths: [22, 18, 18, 16, 14, 18, 18], mergedRows: [[0, 0, 6]] });
}
