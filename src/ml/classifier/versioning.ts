/** When a freshly trained model may replace the active one. Pure, so the rule is tested on its own. */

export interface VersionFigures {
  id: string;
  /** Held-out top-1 accuracy, 0..1; null when the enrolment was too small to hold any photo out. */
  accuracy: number | null;
}

export interface ActivationDecision {
  activate: boolean;
  reason: string;
}

/** A new version more than this far below the active one (in accuracy points) is rolled back. */
export const MAX_ACCURACY_DROP = 0.01;

export function decideActivation(candidate: VersionFigures, active: VersionFigures | undefined): ActivationDecision {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  if (!active) return { activate: true, reason: 'first model for this class' };
  if (candidate.accuracy === null || active.accuracy === null) {
    // Nothing to compare: keep the newest, which has seen every enrolment change.
    return { activate: true, reason: 'no held-out accuracy to compare; the newest enrolment wins' };
  }
  const drop = active.accuracy - candidate.accuracy;
  if (drop > MAX_ACCURACY_DROP) {
    return {
      activate: false,
      reason: `rolled back: held-out accuracy ${pct(candidate.accuracy)} is ${(drop * 100).toFixed(1)} points below the active version's ${pct(active.accuracy)}`,
    };
  }
  return { activate: true, reason: `held-out accuracy ${pct(candidate.accuracy)} (active was ${pct(active.accuracy)})` };
}
