/** Text clean-up shared by header matching and validation. Pure. */

// Zero-width characters and BOMs come along when names are pasted from chat
// apps or the web; they make two equal roll numbers look different.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
// Other control characters have no place in a name or a phone number.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F]/g;

/** Strips BOMs, zero-width and control characters, collapses whitespace (newlines included) and trims. */
export function cleanCell(raw: string): string {
  return raw.replace(INVISIBLE, '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** A value as shown inside a message: quoted, and cut so one bad cell cannot flood the screen. */
export function quoteValue(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return `'${shown}'`;
}

