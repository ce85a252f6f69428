/**
 * Decides from the bytes, not the file name, what a roster file is, and turns
 * away what we will not parse before any parser sees it. Pure.
 */
import { MAX_FILE_BYTES, MAX_UNZIPPED_BYTES } from './limits';
import { RosterFileError } from './rosterFileError';

export type RosterFileKind = 'xlsx' | 'text';

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];
const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
];

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean => signature.every((b, i) => bytes[i] === b);

const megabytes = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

/** `name` only makes messages clearer; the bytes decide. */
export function sniffRosterFile(name: string, bytes: Uint8Array): RosterFileKind {
  const shown = displayName(name);
  if (bytes.length === 0) throw new RosterFileError('empty', `${shown} is empty.`);
  if (bytes.length > MAX_FILE_BYTES) {
    throw new RosterFileError('too-large', `${shown} is larger than ${megabytes(MAX_FILE_BYTES)}; a class roster is much smaller. Check that this is the right file.`);
  }
  if (startsWith(bytes, OLE2)) {
    throw new RosterFileError(
      'legacy-xls',
      `${shown} is an old Excel (.xls) file. Open it in Excel and choose Save As › Excel Workbook (.xlsx) or CSV, then import that file.`,
    );
  }
  if (ZIP_SIGNATURES.some((signature) => startsWith(bytes, signature))) {
    checkXlsxZip(shown, bytes);
    return 'xlsx';
  }
  return 'text';
}

/** The file name as shown inside a message, cut to a readable length. */
export function displayName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return 'The file';
  return `'${trimmed.length > 60 ? `${trimmed.slice(0, 59)}…` : trimmed}'`;
}

interface ZipEntry {
  name: string;
  uncompressedSize: number;
}

/**
 * Reads the ZIP's central directory (names and declared sizes, no unpacking):
 * an .xlsx must contain a workbook, and must not claim to unpack to more than
 * MAX_UNZIPPED_BYTES — the unzipper sizes its buffers from these numbers.
 */
export function checkXlsxZip(shown: string, bytes: Uint8Array): void {
  const entries = readZipDirectory(bytes);
  if (!entries) {
    throw new RosterFileError('unreadable-xlsx', `${shown} looks like an Excel file but is damaged. Open it in Excel and save it again, or save it as CSV.`);
  }
  const names = new Set(entries.map((entry) => entry.name));
  if (!names.has('xl/workbook.xml')) {
    const what = names.has('content.xml') ? 'an OpenDocument spreadsheet (.ods)' : 'a ZIP archive but not an Excel workbook';
    throw new RosterFileError('not-xlsx', `${shown} is ${what}. Save the roster as an Excel Workbook (.xlsx) or CSV and import that file.`);
  }
  const total = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (total > MAX_UNZIPPED_BYTES) {
    throw new RosterFileError('too-large', `${shown} unpacks to more than ${megabytes(MAX_UNZIPPED_BYTES)}; a class roster is much smaller. Check that this is the right file.`);
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const EOCD_MIN_SIZE = 22;
const MAX_ZIP_COMMENT = 0xffff;

/** The central directory's entries, or null when the ZIP is damaged or uses ZIP64 (no roster needs it). */
function readZipDirectory(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_MIN_SIZE - MAX_ZIP_COMMENT);
  for (let at = bytes.length - EOCD_MIN_SIZE; at >= lowest; at--) {
    if (u32(at) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return null;

  const count = u16(eocd + 10);
  const directorySize = u32(eocd + 12);
  const directoryStart = u32(eocd + 16);
  if (count === 0xffff || directoryStart === 0xffffffff || directoryStart + directorySize > eocd) return null;

  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || u32(at) !== CENTRAL_ENTRY_SIGNATURE) return null;
    const uncompressedSize = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    if (uncompressedSize === 0xffffffff || at + 46 + nameLength > eocd) return null;
    entries.push({ name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)), uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Text of a CSV or tab-separated file. UTF-8 is expected; UTF-16 with a BOM
 * ("Unicode Text" from Excel) and Windows-1252 (older Excel "CSV") are read
 * too, because that is what teachers' computers produce.
 */
export function decodeRosterText(name: string, bytes: Uint8Array): string {
  const shown = displayName(name);
  const notASpreadsheet = () =>
    new RosterFileError('not-a-spreadsheet', `${shown} is not a spreadsheet. Save the roster as an Excel Workbook (.xlsx) or CSV and import that file.`);

  let text: string;
  if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder('utf-16le').decode(bytes);
  else if (startsWith(bytes, [0xfe, 0xff])) text = new TextDecoder('utf-16be').decode(bytes);
  else {
    // A NUL byte never occurs in text saved as UTF-8 or Windows-1252.
    if (bytes.includes(0)) throw notASpreadsheet();
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
    }
  }

  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0000-\u0008\u000B\u000E-\u001F\u007F\uFFFD]/g)?.length ?? 0;
  if (controls > Math.max(2, text.length / 1000)) throw notASpreadsheet();
  if (/^\s*</.test(text.replace(/^\uFEFF/, ''))) {
    throw new RosterFileError(
      'not-a-spreadsheet',
      `${shown} is a web page or XML file saved with a spreadsheet name. Open it in Excel and save it as an Excel Workbook (.xlsx) or CSV, then import that file.`,
    );
  }
  return text;
}
