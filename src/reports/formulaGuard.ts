/**
 * The one rule for text a spreadsheet could run as a formula (OWASP "CSV
 * injection"): the CSV writer neutralises it, the Excel writer formats it as
 * Text, and the roster import warns about it. Pure.
 */

// Spreadsheets skip or trim these before reading a cell, so a formula can hide behind them:
// spaces, control and zero-width characters. Tab, CR and LF are left to CELL_START, where
// they start a cell, so no character is both and the search stays linear on any text.
const SKIPPED = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200D\\u2028\\u2029\\u202F\\u205F\\u2060\\u3000\\uFEFF';
// = + - @, and the full-width forms an East Asian keyboard types, which Excel reads the same way.
const STARTS_FORMULA = '=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20';
/**
 * Where a cell can begin: the start of the text, and after any character some
 * program splits cells or rows at. A CSV opened where `;` is the list
 * separator, or read as tab-separated, or by a reader that ignores quoting,
 * starts a new cell there, so "Ana;=cmd|…" holds a formula of its own. The
 * apostrophe goes at each such start rather than only at the front, because
 * one at the front stays in the first piece when the text is split.
 */
const CELL_START = new RegExp(`(^|[,;\\t\\r\\n])([${SKIPPED}]*)(?=[${STARTS_FORMULA}])`, 'g');

/**
 * The text with an apostrophe (which spreadsheets read as "this is text")
 * wherever a cell could start with a formula; unchanged when there is none.
 * A leading tab or CR is quoted too, as OWASP advises, unless a formula
 * behind it already got its apostrophe.
 */
export function neutraliseFormulas(value: string): string {
  return value.replace(CELL_START, "$1'$2").replace(/^(?=[\t\r](?!'))/, "'");
}

/** Whether a spreadsheet could read any part of this text as a formula. */
export function looksLikeFormula(value: string): boolean {
  return neutraliseFormulas(value) !== value;
}
