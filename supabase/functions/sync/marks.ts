/**
 * The marks upsert: which mark stands when one arrives (`excluded`) for a
 * student who has one stored (`t`), as SQL generated from the decision
 * tables in _shared/contracts/markPrecedence.ts, the same tables the
 * phone's decideMark reads. Nothing here decides; it only translates rows.
 */
import {
  keptMessage,
  MARK_PRECEDENCE,
  type MarkSide,
  MERGE_SIGHTINGS,
  type SightingKind,
  TIME_ORDERS,
  type TimeOrder,
} from '../_shared/contracts/markPrecedence.ts';

// Devices hold times to the millisecond; a time the server set (the clock bound) may carry microseconds.
const STORED_AT = `date_trunc('milliseconds', t.marked_at)`;
const ARRIVING_AT = `date_trunc('milliseconds', excluded.marked_at)`;
const ONE_ORDER: Record<TimeOrder, string> = { before: '<', same: '=', after: '>' };
const ALL_BUT: Record<TimeOrder, string> = { before: '>=', same: '<>', after: '<=' };

/** The arriving mark's time against the stored one's, or null when any time will do. */
function timeSql(arrives: readonly TimeOrder[]): string | null {
  const orders = TIME_ORDERS.filter((o) => arrives.includes(o));
  if (orders.length === TIME_ORDERS.length) return null;
  if (orders.length === 1) return `${ARRIVING_AT} ${ONE_ORDER[orders[0]]} ${STORED_AT}`;
  const missing = TIME_ORDERS.find((o) => !orders.includes(o))!;
  return `${ARRIVING_AT} ${ALL_BUT[missing]} ${STORED_AT}`;
}

function sideSql(alias: 't' | 'excluded', side: MarkSide): string[] {
  const parts = [`${alias}.source = '${side.source}'`];
  if (side.cleared !== 'either') parts.push(`${alias}.cleared_at is ${side.cleared ? 'not ' : ''}null`);
  return parts;
}

function sightingSql(alias: 't' | 'excluded', kind: SightingKind): string {
  return `${alias}.status ${kind === 'absent' ? '=' : '<>'} 'absent'`;
}

const all = (parts: (string | null)[]) => parts.filter((p): p is string => p !== null).join(' and ');

/** The rows of MARK_PRECEDENCE as a `case`: true when the arriving mark replaces (or merges into) the stored one. */
export const MARK_REPLACES = [
  'case',
  ...MARK_PRECEDENCE.map((r) =>
    `when ${all([...sideSql('t', r.stored), ...sideSql('excluded', r.arriving), timeSql(r.arrives)])} then ${r.winner !== 'stored'}`
  ),
  'else false end',
].join(' ');

/** The two marks are sightings that merge. */
export const MARKS_MERGE = MARK_PRECEDENCE.filter((r) => r.winner === 'merge')
  .map((r) => `(${all([...sideSql('t', r.stored), ...sideSql('excluded', r.arriving), timeSql(r.arrives)])})`)
  .join(' or ');

/** Two sightings merge and the stored one keeps its status and time (MERGE_SIGHTINGS). */
export const STORED_FIRST = `(${MARKS_MERGE}) and case ${
  MERGE_SIGHTINGS.map((r) => `when ${all([sightingSql('t', r.stored), sightingSql('excluded', r.arriving), timeSql(r.arrives)])} then ${r.keeps === 'stored'}`)
    .join(' ')
} else false end`;

/** What an update of a mark sets instead of the incoming value. */
export const MARK_MERGE_SET: Readonly<Record<string, string>> = {
  status: `case when ${STORED_FIRST} then t.status else excluded.status end`,
  device: `case when ${STORED_FIRST} then t.device else excluded.device end`,
  marked_at: `case when ${STORED_FIRST} then t.marked_at else excluded.marked_at end`,
  confidence: `case when ${MARKS_MERGE} then greatest(t.confidence, excluded.confidence) else excluded.confidence end`,
};

/** Why the stored mark stood, in the words of its row. */
export function explainKeptMark(stored: Record<string, unknown>, incoming: Record<string, unknown>): string {
  const sideOf = (row: Record<string, unknown>) => ({ source: row.source === 'manual' ? 'manual' as const : 'auto' as const, cleared: row.cleared_at != null });
  return keptMessage(sideOf(stored), sideOf(incoming));
}
