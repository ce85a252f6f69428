import { describe, expect, it } from 'vitest';
import { checkPhone, isValidEmail, validateRoster } from './validateRoster';

const HEADER = ['Roll No', 'Name', 'Guardian', 'Phone', 'Email'];

describe('validateRoster', () => {
  it('cleans values and normalises phones to E.164', () => {
    const preview = validateRoster(
      [HEADER, ['\uFEFF 1 ', '  Asha   Rao ', 'Meera Rao', '98123 45678', 'meera@example.in'], ['2', 'Ben\nOkafor', '', '+44 7911 123456', '']],
      { defaultCountry: 'IN' },
    );
    expect(preview.fileErrors).toEqual([]);
    expect(preview.headerLine).toBe(1);
    expect(preview.validCount).toBe(2);
    expect(preview.errorCount).toBe(0);
    expect(preview.rows[0]).toMatchObject({
      line: 2,
      values: { rollNo: '1', fullName: 'Asha Rao', guardianName: 'Meera Rao', guardianPhone: '+919812345678', email: 'meera@example.in', studentEmail: '' },
      errors: [],
    });
    expect(preview.rows[1].values).toMatchObject({ fullName: 'Ben Okafor', guardianPhone: '+447911123456' });
  });

  it('flags bad rows by line and lets the good ones through', () => {
    const preview = validateRoster(
      [
        HEADER,
        ['1', 'Asha Rao', '', '9812345678', ''],
        ['2', '', '', '', ''],
        ['1', 'Ravi Kumar', '', '', ''],
        ['', 'No Roll', '', '', ''],
        ['5', 'Chen Li', '', '12345', 'chen@'],
        ['6', 'Dana Levi', '', '', 'dana@example.com'],
      ],
      { defaultCountry: 'IN' },
    );
    const errorsByLine = new Map(preview.rows.map((row) => [row.line, row.errors]));
    expect(errorsByLine.get(2)).toEqual(["Line 2: roll no '1' is also used on line 4."]);
    expect(errorsByLine.get(3)).toEqual(['Line 3: name is empty.']);
    expect(errorsByLine.get(4)).toEqual(["Line 4: roll no '1' is also used on line 2."]);
    expect(errorsByLine.get(5)).toEqual(['Line 5: roll no is empty.']);
    expect(errorsByLine.get(6)).toEqual([
      "Line 6: phone '12345' is not a valid number for IN.",
      "Line 6: email 'chen@' is not a valid email address.",
    ]);
    expect(errorsByLine.get(7)).toEqual([]);
    expect(preview.validCount).toBe(1);
    expect(preview.errorCount).toBe(5);
  });

  it('compares roll numbers without case and checks those already in the class', () => {
    const preview = validateRoster([HEADER, ['7A', 'Asha', '', '', ''], ['7a', 'Ravi', '', '', ''], ['8', 'Chen', '', '', '']], {
      defaultCountry: 'IN',
      existingRollNos: [' 8 '],
    });
    expect(preview.rows[0].errors).toEqual(["Line 2: roll no '7A' is also used on line 3."]);
    expect(preview.rows[2].errors).toEqual(["Line 4: roll no '8' is already in this class."]);
  });

  it('names a few of many duplicate lines', () => {
    const rows = [HEADER, ...Array.from({ length: 6 }, (_, i) => ['9', `Student ${i}`, '', '', ''])];
    const preview = validateRoster(rows, { defaultCountry: 'IN' });
    expect(preview.rows[0].errors).toEqual(["Line 2: roll no '9' is also used on lines 3, 4, 5 and 2 more."]);
    expect(preview.rows[2].errors).toEqual(["Line 4: roll no '9' is also used on lines 2, 3, 5 and 2 more."]);
  });

  it('skips empty lines but keeps line numbers, and finds a header below a title', () => {
    const preview = validateRoster([['Class 7B roster'], [], HEADER, ['', ' ', ''], ['1', 'Asha', '', '', '']], { defaultCountry: 'IN' });
    expect(preview.headerLine).toBe(3);
    expect(preview.rows.map((row) => row.line)).toEqual([5]);
  });

  it('caps long cells with an error', () => {
    const preview = validateRoster([HEADER, ['1', 'x'.repeat(5000), '', '', '']], { defaultCountry: 'IN' });
    expect(preview.rows[0].values.fullName).toHaveLength(200);
    expect(preview.rows[0].errors).toEqual(['Line 2: name is longer than 200 characters.']);
  });

  it('keeps formula-looking cells as text with a warning', () => {
    const preview = validateRoster([HEADER, ['1', "=cmd|' /C calc'!A0", '', '', '']], { defaultCountry: 'IN' });
    expect(preview.rows[0].values.fullName).toBe("=cmd|' /C calc'!A0");
    expect(preview.rows[0].errors).toEqual([]);
    expect(preview.rows[0].warnings).toEqual([
      "Line 2: name '=cmd|' /C calc'!A0' looks like a spreadsheet formula; it is kept as plain text and never run.",
      'Line 2: no guardian phone, so absence messages cannot be sent for this student.',
    ]);
  });

  it.each([["-2+3+cmd|' /C calc'!A0"], ['+1+1'], ['\uFF1D1+1'], ['\uFF20SUM(A1)'], ['Ana;=1+1'], ['Ana, =1+1']])('warns about a formula-looking name: %j', (name) => {
    const preview = validateRoster([HEADER, ['1', name, '', '', '']], { defaultCountry: 'IN' });
    expect(preview.rows[0].values.fullName).toBe(name);
    expect(preview.rows[0].warnings[0]).toMatch(/looks like a spreadsheet formula/);
  });

  it('does not warn about ordinary names or a guardian phone with its country code', () => {
    const preview = validateRoster([HEADER, ['1', 'Smith-Jones', 'Rao; Asha', '+44 7911 123456', '']], { defaultCountry: 'IN' });
    expect(preview.rows[0].warnings).toEqual([]);
  });

  it('reports missing columns with the headers it found', () => {
    const preview = validateRoster([['Nom', 'Téléphone'], ['1', '2']], { defaultCountry: 'FR' });
    expect(preview.fileErrors).toEqual([
      "No roll no and name column was found (columns found: 'Nom', 'Téléphone'). The first row should name the columns, for example 'Roll No' and 'Name'.",
    ]);
    expect(preview.rows).toEqual([]);
  });

  it('reports an empty file, a header without students and too many rows as file errors', () => {
    expect(validateRoster([[''], []], { defaultCountry: 'IN' }).fileErrors).toEqual(['The file is empty.']);
    expect(validateRoster([HEADER], { defaultCountry: 'IN' }).fileErrors).toEqual(['The file has a header row but no students.']);
    const many = [HEADER, ...Array.from({ length: 10_001 }, (_, i) => [String(i), 'Name', '', '', ''])];
    const preview = validateRoster(many, { defaultCountry: 'IN' });
    expect(preview.fileErrors[0]).toMatch(/^The file has too many rows: 10,001 students/);
    expect(preview.rows).toEqual([]);
  });

  it('rejects an unknown country instead of guessing', () => {
    // @ts-expect-error a country code from storage may be anything
    expect(validateRoster([HEADER], { defaultCountry: 'XX' }).fileErrors).toEqual(["The class's country 'XX' is not known, so phone numbers cannot be checked."]);
  });
});

describe('checkPhone', () => {
  it('explains numbers that a spreadsheet saved in scientific notation', () => {
    const check = checkPhone('9.19812E+11', 'IN');
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/scientific notation/);
  });

  it('reads numbers with a country code but no plus', () => {
    expect(checkPhone('919812345678', 'IN')).toEqual({ ok: true, e164: '+919812345678' });
  });
});

describe('isValidEmail', () => {
  it.each(['a@b.co', 'first.last+tag@school.example.org', 'ravi@स्कूल.भारत'])('accepts %s', (email) => expect(isValidEmail(email)).toBe(true));
  it.each(['', 'a@', '@b.co', 'a@b', 'a b@c.de', 'a@@b.co', 'a@b..co', '.a@b.co', 'a@-b.co', 'a@b.c1'])('rejects %s', (email) =>
    expect(isValidEmail(email)).toBe(false),
  );
});
