import { describe, expect, it } from 'vitest';
import { looksLikeFormula, neutraliseFormulas } from './formulaGuard';

describe('neutraliseFormulas', () => {
  it.each([
    ['=1+1', "'=1+1"],
    [' =1+1', "' =1+1"],
    ['\u0000=1+1', "'\u0000=1+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D1', "'\uFF0D1"],
    ['\uFF20A1', "'\uFF20A1"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['Ana;=1+1', "Ana;'=1+1"],
    ['Ana;\t=1+1', "Ana;\t'=1+1"],
    ['\t=1+1', "\t'=1+1"],
    [' \u3000\u00A0=1+1', "' \u3000\u00A0=1+1"],
    ['Ana,@A1', "Ana,'@A1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
  ])('%j → %j', (value, expected) => {
    expect(neutraliseFormulas(value)).toBe(expected);
    expect(looksLikeFormula(value)).toBe(true);
  });

  it('takes linear time on long runs of separators and spaces', () => {
    const value = `${'\t '.repeat(100_000)}x`;
    const started = performance.now();
    expect(neutraliseFormulas(value)).toBe(`'${value}`);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([['Asha Rao'], ['Smith-Jones'], ['Rao; Asha'], ['a = b'], ['ana@example.in'], ['2025-03-04'], ['']])('leaves %j alone', (value) => {
    expect(neutraliseFormulas(value)).toBe(value);
    expect(looksLikeFormula(value)).toBe(false);
  });
});
