/**
 * The students a trained classifier names, read from its artifact's header
 * (the layout of @contracts/classifierFormat), without checking the format
 * version, the checksum or the descriptor version: an old or damaged model
 * must still be found and erased. Pure; db/ cannot import ml/.
 */
import { classesNamed, readHeader, readPreamble } from '@contracts/classifierFormat';

/** The class labels (student ids) in the artifact, or null when it is not a readable classifier. */
export function studentsInArtifact(bytes: Uint8Array | null | undefined): string[] | null {
  const preamble = readPreamble(bytes);
  if (!bytes || !preamble) return null;
  const read = readHeader(bytes, preamble);
  return read.ok ? classesNamed(read.header) : null;
}
