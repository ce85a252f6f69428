/** Every table spec of the row-level security matrix, and the cell builder. */
import { ATTENDANCE_SPECS } from './attendanceSpecs';
import type { TableSpec } from './cells';
import { RECORD_SPECS } from './recordSpecs';
import { ROSTER_SPECS } from './rosterSpecs';

export { ACTORS, cellsOf, type Actor, type Cell, type TableSpec } from './cells';

export const SPECS: TableSpec[] = [...ROSTER_SPECS, ...ATTENDANCE_SPECS, ...RECORD_SPECS];
