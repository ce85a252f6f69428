/** The attendance rules: who is marked, when they are late, and how a class did over time. */
export * from './types';
export { statusOnArrival } from './late';
export {
  applyAutoMarks,
  clearMark,
  countStatuses,
  faceLabel,
  finaliseMarks,
  rejectFace,
  setManualMark,
  type AutoMarkContext,
  type AutoMarkResult,
  type AutoMarkSkipReason,
  type ClearMarkOptions,
  type RejectFaceContext,
  type StatusCounts,
} from './marks';
export {
  createFaceTracker,
  DEFAULT_TRACKER_OPTIONS,
  type FaceInFrame,
  type FaceTracker,
  type TrackConfirmation,
  type TrackConflict,
  type TrackerOptions,
  type TrackerUpdate,
  type TrackKind,
  type TrackView,
} from './tracker';
export { rollingRate, summariseClass, type ClassSummaryInput } from './summary';
