/**
 * Which mark stands when one arrives for a student who already has one in
 * the session: one decision table for the phone (src/sync/mergeMarks.ts,
 * decideMark, showing now what the server will hold) and the server (the
 * marks upsert's SQL is generated from it, sync/marks.ts). A clear
 * (cleared_at set) is a change like any other: a "clear by hand" is a
 * manual mark, a "not this student" an automatic one.
 *
 * Every combination of the two marks' sources, clears and times matches
 * exactly one row (markPrecedence.test.ts checks it). Times are compared
 * to the millisecond, as devices hold them.
 */

export type MarkSource = 'auto' | 'manual';
/** The arriving mark's marked_at against the stored one's. */
export type TimeOrder = 'before' | 'same' | 'after';
export type MarkWinner = 'stored' | 'arriving' | 'merge';

export const TIME_ORDERS: readonly TimeOrder[] = ['before', 'same', 'after'];
const ANY_TIME = TIME_ORDERS;

export interface MarkSide {
  source: MarkSource;
  /** Taken back (cleared_at set); 'either' when the row does not depend on it. */
  cleared: boolean | 'either';
}

export interface MarkPrecedenceRow {
  stored: MarkSide;
  arriving: MarkSide;
  /** The arriving mark's times this row is about. */
  arrives: readonly TimeOrder[];
  winner: MarkWinner;
  why: string;
  /** What the device that sent the arriving mark is told when the stored one stands. */
  told?: string;
}

const MANUAL_WINS = 'kept: a manual mark wins over an automatic one';
const LATER_EXISTS = 'stale: a later mark exists';
const OTHER_SIGHTING = 'kept: another sighting still shows the student';

const side = (source: MarkSource, cleared: boolean | 'either'): MarkSide => ({ source, cleared });

export const MARK_PRECEDENCE: readonly MarkPrecedenceRow[] = [
  // A person's mark arrives.
  { stored: side('auto', 'either'), arriving: side('manual', false), arrives: ANY_TIME, winner: 'arriving', why: 'a manual mark beats an automatic one' },
  {
    stored: side('auto', true),
    arriving: side('manual', true),
    arrives: ANY_TIME,
    winner: 'arriving',
    why: 'a clear by hand over a sighting already taken back',
  },
  {
    stored: side('auto', false),
    arriving: side('manual', true),
    arrives: ['same', 'after'],
    winner: 'arriving',
    why: 'a clear by hand takes back the sighting before it',
  },
  {
    stored: side('auto', false),
    arriving: side('manual', true),
    arrives: ['before'],
    winner: 'stored',
    why: "a sighting after a person's clear brings the student back, whichever arrives first",
    told: LATER_EXISTS,
  },
  {
    stored: side('manual', 'either'),
    arriving: side('manual', 'either'),
    arrives: ['same', 'after'],
    winner: 'arriving',
    why: 'of two manual marks (clears by hand included) the later stands; a tie goes to the one arriving',
  },
  {
    stored: side('manual', 'either'),
    arriving: side('manual', 'either'),
    arrives: ['before'],
    winner: 'stored',
    why: 'of two manual marks the later stands',
    told: LATER_EXISTS,
  },
  // A sighting arrives.
  {
    stored: side('manual', false),
    arriving: side('auto', 'either'),
    arrives: ANY_TIME,
    winner: 'stored',
    why: 'a manual mark wins over an automatic one',
    told: MANUAL_WINS,
  },
  {
    stored: side('manual', true),
    arriving: side('auto', false),
    arrives: ['after'],
    winner: 'arriving',
    why: "a sighting after a person's clear brings the student back",
  },
  {
    stored: side('manual', true),
    arriving: side('auto', false),
    arrives: ['before', 'same'],
    winner: 'stored',
    why: "a sighting from before a person's clear does not undo it",
    told: MANUAL_WINS,
  },
  {
    stored: side('manual', true),
    arriving: side('auto', true),
    arrives: ANY_TIME,
    winner: 'stored',
    why: 'a "not this student" has nothing to take back from a clear by hand',
    told: MANUAL_WINS,
  },
  { stored: side('auto', true), arriving: side('auto', false), arrives: ANY_TIME, winner: 'arriving', why: 'a sighting replaces a cleared automatic mark' },
  {
    stored: side('auto', false),
    arriving: side('auto', false),
    arrives: ANY_TIME,
    winner: 'merge',
    why: 'two sightings are one mark (MERGE_SIGHTINGS); the highest confidence stays',
  },
  // A "not this student" arrives.
  {
    stored: side('auto', 'either'),
    arriving: side('auto', true),
    arrives: ['same'],
    winner: 'arriving',
    why: 'a "not this student" takes back the sighting it is about, the one with its time',
  },
  {
    stored: side('auto', 'either'),
    arriving: side('auto', true),
    arrives: ['before', 'after'],
    winner: 'stored',
    why: 'a "not this student" takes back nothing another sighting made',
    told: OTHER_SIGHTING,
  },
];

/** Whether a mark is seen (present, late, excused) or an automatic absence left by finalising. */
export type SightingKind = 'seen' | 'absent';

export interface MergeRow {
  stored: SightingKind;
  arriving: SightingKind;
  arrives: readonly TimeOrder[];
  /** Whose status, time and device the merged mark keeps. */
  keeps: 'stored' | 'arriving';
  why: string;
}

/** When two live sightings merge: which one's status and time stand. */
export const MERGE_SIGHTINGS: readonly MergeRow[] = [
  {
    stored: 'seen',
    arriving: 'absent',
    arrives: ANY_TIME,
    keeps: 'stored',
    why: 'an automatic absence gives way to a sighting, whatever their times: the face is proof the student came',
  },
  { stored: 'absent', arriving: 'seen', arrives: ANY_TIME, keeps: 'arriving', why: 'an automatic absence gives way to a sighting, whatever their times' },
  { stored: 'seen', arriving: 'seen', arrives: ['same', 'after'], keeps: 'stored', why: 'the earliest sighting stands; the stored one wins a tie' },
  { stored: 'seen', arriving: 'seen', arrives: ['before'], keeps: 'arriving', why: 'the earliest sighting stands' },
  { stored: 'absent', arriving: 'absent', arrives: ['same', 'after'], keeps: 'stored', why: 'the earliest stands; the stored one wins a tie' },
  { stored: 'absent', arriving: 'absent', arrives: ['before'], keeps: 'arriving', why: 'the earliest stands' },
];

export interface MarkCase {
  source: MarkSource;
  cleared: boolean;
}

function sideMatches(rule: MarkSide, mark: MarkCase): boolean {
  return rule.source === mark.source && (rule.cleared === 'either' || rule.cleared === mark.cleared);
}

/** The row deciding between a stored and an arriving mark. */
export function markPrecedence(stored: MarkCase, arriving: MarkCase, arrives: TimeOrder): MarkPrecedenceRow {
  const row = MARK_PRECEDENCE.find((r) => sideMatches(r.stored, stored) && sideMatches(r.arriving, arriving) && r.arrives.includes(arrives));
  if (!row) throw new Error(`no mark precedence row for ${JSON.stringify({ stored, arriving, arrives })}`);
  return row;
}

/** The row deciding which of two merging sightings keeps its status and time. */
export function mergeSightingsRow(stored: SightingKind, arriving: SightingKind, arrives: TimeOrder): MergeRow {
  const row = MERGE_SIGHTINGS.find((r) => r.stored === stored && r.arriving === arriving && r.arrives.includes(arrives));
  if (!row) throw new Error(`no merge row for ${JSON.stringify({ stored, arriving, arrives })}`);
  return row;
}

/**
 * What the device is told when the stored mark stood. Every row where the
 * stored mark wins tells the same for the same two sides, whatever the
 * times, so the server can answer without comparing times again.
 */
export function keptMessage(stored: MarkCase, arriving: MarkCase): string {
  const row = MARK_PRECEDENCE.find((r) => r.winner === 'stored' && sideMatches(r.stored, stored) && sideMatches(r.arriving, arriving));
  return row?.told ?? LATER_EXISTS;
}

export interface MarkPrecedenceCase {
  stored: MarkCase;
  arriving: MarkCase;
  arrives: TimeOrder;
}

/** The concrete situations a row is about ('either' and its times spelled out), for tests on both sides. */
export function casesOf(row: MarkPrecedenceRow): MarkPrecedenceCase[] {
  const clears = (s: MarkSide) => (s.cleared === 'either' ? [false, true] : [s.cleared]);
  return clears(row.stored).flatMap((storedCleared) =>
    clears(row.arriving).flatMap((arrivingCleared) =>
      row.arrives.map((arrives) => ({
        stored: { source: row.stored.source, cleared: storedCleared },
        arriving: { source: row.arriving.source, cleared: arrivingCleared },
        arrives,
      }))
    )
  );
}
