/**
 * sheetjs-style assigns to four names it never declares. That works in the
 * sloppy-mode CommonJS Node runs, but a bundler turns the library into a
 * strict-mode ES module, where the first assignment throws ReferenceError and
 * the workbook chunk fails to load. Declaring them on the global object first
 * makes those assignments legal. Must be imported before sheetjs-style.
 */
export const SHEETJS_UNDECLARED_GLOBALS = ['QUOTE', 'style_builder', '_hashIndex', '_listIndex'] as const;

const scope = globalThis as Record<string, unknown>;
for (const name of SHEETJS_UNDECLARED_GLOBALS) {
  if (!(name in scope)) scope[name] = undefined;
}
