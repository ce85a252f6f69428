/** Helpers for the export tests; not part of the app bundle. */
import { inflateRawSync } from 'node:zlib';
import { readSheet } from 'read-excel-file/node';

/** The sheet as read back by read-excel-file, the maintained reader (not the library that wrote it). */
export const readBack = (bytes: Uint8Array) => readSheet(Buffer.from(bytes));

/** One part of the .xlsx (a ZIP) as text, to check what the reader does not report, such as styles. */
export function xlsxPart(bytes: Uint8Array, name: string): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50) {
    const method = view.getUint16(at + 8, true);
    const compressedSize = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const entryName = new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength));
    const start = at + 30 + nameLength + extraLength;
    const data = bytes.subarray(start, start + compressedSize);
    if (entryName === name) return new TextDecoder().decode(method === 8 ? inflateRawSync(data) : data);
    at = start + compressedSize;
  }
  throw new Error(`${name} not found`);
}
