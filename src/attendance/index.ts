/** The attendance rules: who is marked, when they are late, and how a class did over time. */
export * from './types';
export {
  applyAutoMarks,
  clearMark,
  countStatuses,
  faceLabel,
  finaliseMarks,
  rejectFace,
  setManualMark,
} from './marks';
export { createFaceTracker, type TrackView } from './tracker';
export { rollingRate, summariseClass } from './summary';
