/**
 * The students a trained classifier names, read from its artifact's header
 * (the layout of ml/classifier/serialize.ts: "RCLF", version, header length,
 * payload length, checksum, then the header as JSON), without checking the
 * checksum or the descriptor version: an old or damaged model must still be
 * found and erased. Pure; db/ cannot import ml/.
 */
const MAGIC = [0x52, 0x43, 0x4c, 0x46];
const PREAMBLE = 48;

/** The class labels (student ids) in the artifact, or null when it is not a readable classifier. */
export function studentsInArtifact(bytes: Uint8Array | null | undefined): string[] | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(8, true);
  if (PREAMBLE + headerBytes > bytes.length) return null;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerBytes))) as {
      svm?: { classes?: unknown };
      meta?: { classes?: unknown };
    };
    const lists = [header?.svm?.classes, header?.meta?.classes].filter(Array.isArray) as unknown[][];
    if (lists.length === 0) return null;
    return [...new Set(lists.flat().map(String))];
  } catch {
    return null;
  }
}
