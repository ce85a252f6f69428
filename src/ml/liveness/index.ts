/**
 * Is the face in front of the camera a live person? Two passive models on the
 * face crop (passive.ts) and an active challenge read from the landmarks
 * (challenge.ts).
 */
import { loadGraphModel, type ModelManifest, type ReadModelFile } from '../weights';
import { createPassiveLiveness } from './passive';
import type { PassiveLivenessModel } from './types';

export * from './types';
export * from './challenge';
export { cropBox } from './passive';

/** Loads both passive models (checked against the manifest) and wraps them in one model. */
export async function loadPassiveLiveness(manifest: ModelManifest, read: ReadModelFile): Promise<PassiveLivenessModel> {
  const antispoof = await loadGraphModel(manifest, 'antispoof', read);
  try {
    return createPassiveLiveness({ antispoof, liveness: await loadGraphModel(manifest, 'liveness', read) });
  } catch (err) {
    antispoof.dispose();
    throw err;
  }
}
