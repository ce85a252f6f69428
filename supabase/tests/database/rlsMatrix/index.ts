/** Every table spec of the row-level security matrix (attacks merged into their tables), and the cell builder. */
import { ATTACKS, PRIVATE_SPECS } from './attacks';
import { ATTENDANCE_SPECS } from './attendanceSpecs';
import type { TableSpec } from './cells';
import { RECORD_SPECS } from './recordSpecs';
import { ROSTER_SPECS } from './rosterSpecs';

export { ACTORS, cellsOf, type Actor, type Cell, type TableSpec } from './cells';

const withAttacks = (spec: TableSpec): TableSpec => {
  const attack = ATTACKS.find((a) => a.table === spec.table);
  return attack ? { ...spec, targets: [...spec.targets, ...attack.targets], inserts: [...spec.inserts, ...attack.inserts] } : spec;
};

export const SPECS: TableSpec[] = [...ROSTER_SPECS, ...ATTENDANCE_SPECS, ...RECORD_SPECS].map(withAttacks).concat(PRIVATE_SPECS);
