/** Input of the session exports (Excel and CSV): plain data the UI assembles from a session and its marks. */
import type { AttendanceStatus } from '@/attendance/types';

export interface SessionSheetRow {
  rollNo: string;
  fullName: string;
  /** null: the student has no mark in this session. */
  status: AttendanceStatus | null;
  markedAt: string | null;
  /** 0..1 for automatic marks; null for manual ones. */
  confidence: number | null;
  source: 'auto' | 'manual' | null;
  /** The device that wrote the mark: a reviewer's correction on the server says 'server' (and why). */
  device?: string | null;
}

export interface SessionSheetInput {
  className: string;
  /** `takenBy` is the name to print (see takenByName in attendance/origin.ts), not the stored value. */
  session: {
    startsAt: string;
    takenBy: string;
    facesDetected: number;
    finalisedAt: string | null;
    /** The close of day finished it: nobody pressed Finish. */
    finishedAutomatically?: boolean;
  };
  rows: SessionSheetRow[];
}
