/**
 * Bounds on what a roster file may make us do. A class roster is a few hundred
 * lines; these leave room for a whole school while keeping a hostile file from
 * tying up the device.
 */

/** Largest file read at all: a 10,000-student XLSX is well under 1 MB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Sum of the sizes an XLSX declares for its unpacked parts; stops ZIP bombs before they unpack. */
export const MAX_UNZIPPED_BYTES = 50 * 1024 * 1024;

/** Data rows (after the header, not counting empty lines). */
export const MAX_ROWS = 10_000;

/** Characters in one cell after cleaning; longer is an error, and the value is cut to this. */
export const MAX_CELL_CHARS = 200;

/** Messages are built from capped values, so this only guards the worker boundary. */
export const MAX_MESSAGE_CHARS = 400;

export const MAX_MESSAGES_PER_ROW = 20;

export const MAX_IGNORED_HEADERS = 50;

/** A stuck or runaway parse is stopped after this long. */
export const ROSTER_TIMEOUT_MS = 30_000;
