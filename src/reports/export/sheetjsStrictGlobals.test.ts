import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHEETJS_UNDECLARED_GLOBALS } from './sheetjsStrictGlobals';

const require = createRequire(import.meta.url);

/**
 * Loads sheetjs-style the way the browser bundle runs it: as strict-mode code,
 * with Node's built-ins unavailable. Node itself runs it sloppy, so the other
 * export tests cannot see this failure.
 */
function loadSheetjsStrict() {
  const entry = require.resolve('sheetjs-style');
  const source = readFileSync(entry, 'utf8');
  const module = { exports: {} as Record<string, unknown> };
  const localRequire = (name: string) => (name.startsWith('./') ? require(resolve(dirname(entry), name)) : {});
  new Function('module', 'exports', 'require', `"use strict";\n${source}`)(module, module.exports, localRequire);
  return module.exports as typeof import('sheetjs-style');
}

function writeStyled(XLSX: typeof import('sheetjs-style')) {
  const sheet = XLSX.utils.aoa_to_sheet([['Roll', 'Present', 0.5]]);
  sheet.A1.s = { font: { bold: true, sz: '14' }, fill: { patternType: 'solid', fgColor: { rgb: 'FFDDEBF7' } }, alignment: { textRotation: 90 } };
  sheet.C1.s = { numFmt: '0%' };
  sheet['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: 1 } }];
  sheet['!autofilter'] = { ref: 'A1:C1' };
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'S');
  return XLSX.write(book, { type: 'array', bookType: 'xlsx', bookSST: true, cellStyles: true }) as ArrayBuffer;
}

describe('sheetjs-style in strict mode', () => {
  it('loads and writes a styled workbook once its undeclared globals exist', () => {
    // The shim module already ran on import; this is what it must have declared.
    for (const name of SHEETJS_UNDECLARED_GLOBALS) expect(name in globalThis).toBe(true);
    expect(writeStyled(loadSheetjsStrict()).byteLength).toBeGreaterThan(1000);
  });

  it('fails without them, so the shim is still needed', () => {
    const saved = SHEETJS_UNDECLARED_GLOBALS.map((name) => [name, (globalThis as Record<string, unknown>)[name]] as const);
    for (const name of SHEETJS_UNDECLARED_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
    try {
      expect(() => writeStyled(loadSheetjsStrict())).toThrow(ReferenceError);
    } finally {
      for (const [name, value] of saved) (globalThis as Record<string, unknown>)[name] = value;
    }
  });
});
