/**
 * The one class model the worker identifies with. A session identifies many
 * photos and camera frames with one model, so it is parsed once and its
 * weights stay on the backend until another version replaces it.
 */
import { parseClassifier, prepareClassifier, type PreparedClassifier } from '../classifier';
import { PipelineError } from '../types';

export interface ClassModelSlot {
  /** The version held, or null. */
  readonly version: string | null;
  /** Holds `bytes` as `version`, disposing the model it replaces; the same version again is kept as it is. */
  load(version: string, bytes: Uint8Array): Promise<PreparedClassifier>;
  /** The model held, if it is `version`. */
  use(version: string): PreparedClassifier;
  dispose(): void;
}

export function createClassModelSlot(): ClassModelSlot {
  let held: { version: string; classifier: PreparedClassifier } | null = null;
  return {
    get version() {
      return held?.version ?? null;
    },
    async load(version, bytes) {
      if (held?.version === version) return held.classifier;
      // Parsed before the old one goes: a damaged file leaves the session's model in place.
      const next = prepareClassifier(await parseClassifier(bytes));
      held?.classifier.dispose();
      held = { version, classifier: next };
      return next;
    },
    use(version) {
      if (held?.version !== version) {
        throw new PipelineError('class-model-not-loaded', `The class model ${version.slice(0, 8)} is not loaded in the face engine${held ? ` (it holds ${held.version.slice(0, 8)})` : ''}.`);
      }
      return held.classifier;
    },
    dispose() {
      held?.classifier.dispose();
      held = null;
    },
  };
}
