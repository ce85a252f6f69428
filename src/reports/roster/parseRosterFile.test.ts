import { afterAll, describe, expect, it } from 'vitest';
import { cellText, detectDelimiter, parseRosterFile } from './parseRosterFile';
import { readRoster } from './readRoster';
import { RosterFileError } from './rosterFileError';
import { codeOf, storedZip, utf8, xlsxBytes } from './testing';

const read = (name: string, bytes: ArrayBuffer, existingRollNos: string[] = []) => readRoster({ name, bytes, defaultCountry: 'IN', existingRollNos });

describe('parseRosterFile: CSV', () => {
  it('reads a good file', async () => {
    const csv = 'Roll No,Name,Guardian Name,Guardian Phone,Email\r\n1,Asha Rao,Meera Rao,98123 45678,meera@example.in\r\n2,Ravi Kumar,Anil Kumar,+91 99887 76655,\r\n';
    const preview = await read('class-7b.csv', utf8(csv));
    expect(preview.fileErrors).toEqual([]);
    expect(preview.validCount).toBe(2);
    expect(preview.rows.map((row) => row.values.guardianPhone)).toEqual(['+919812345678', '+919988776655']);
  });

  it('flags bad rows with their line numbers and passes the good ones', async () => {
    const csv = ['Roll,Name,Phone,Email', '1,Asha,9812345678,', '2,,,', '1,Ravi,,', '4,Chen,12345,', '5,Dana,,dana@', '6,Eli,9812345679,eli@example.com'].join('\n');
    const preview = await read('roster.csv', utf8(csv));
    expect(preview.validCount).toBe(1);
    expect(preview.errorCount).toBe(5);
    expect(preview.rows.flatMap((row) => row.errors)).toEqual([
      "Line 2: roll no '1' is also used on line 4.",
      'Line 3: name is empty.',
      "Line 4: roll no '1' is also used on line 2.",
      "Line 5: phone '12345' is not a valid number for IN.",
      "Line 6: email 'dana@' is not a valid email address.",
    ]);
    expect(preview.rows[5]).toMatchObject({ line: 7, errors: [] });
  });

  it('detects semicolons and tabs, and keeps quoted delimiters inside a value', async () => {
    const semicolon = await parseRosterFile('eu.csv', utf8('Roll;Name\n1;Rao, Asha\n\n2;"Kumar; Ravi"\n'));
    expect(semicolon).toEqual([['Roll', 'Name'], ['1', 'Rao, Asha'], [''], ['2', 'Kumar; Ravi'], ['']]);
    const tabs = await parseRosterFile('roster.tsv', utf8('Roll\tName\n1\tAsha Rao\n'));
    expect(tabs[1]).toEqual(['1', 'Asha Rao']);
    const quoted = await parseRosterFile('roster.csv', utf8('Roll,Name\n1,"Rao, Asha ""Ash"""\n2,"Two\nLines"\n'));
    expect(quoted.slice(1, 3)).toEqual([['1', 'Rao, Asha "Ash"'], ['2', 'Two\nLines']]);
  });

  it('strips a UTF-8 BOM and reads UTF-16 and Windows-1252 text', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Roll No,Name\n1,Asha\n')]);
    const preview = await read('bom.csv', bom.buffer);
    expect(preview.columns.rollNo).toEqual({ index: 0, header: 'Roll No' });
    expect(preview.validCount).toBe(1);

    const text = 'Roll\tName\n1\tJosé\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    expect((await parseRosterFile('unicode.txt', utf16.buffer))[1]).toEqual(['1', 'José']);

    const latin = new Uint8Array([...new TextEncoder().encode('Roll,Name\n1,Jos'), 0xe9, 0x0a]);
    expect((await parseRosterFile('ansi.csv', latin.buffer))[1]).toEqual(['1', 'José']);
  });

  it('rejects a quote that is never closed', async () => {
    const error = await parseRosterFile('broken.csv', utf8('Roll,Name\n1,"Asha\n2,Ravi\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterFileError);
    expect((error as RosterFileError).code).toBe('bad-csv');
    expect((error as RosterFileError).message).toMatch(/'broken.csv' has a quoted value that is never closed/);
  });
});

describe('parseRosterFile: XLSX', () => {
  it('reads the first sheet as text: whole numbers without ".0", dates as ISO dates', async () => {
    const bytes = xlsxBytes([
      ['Roll No', 'Name', 'Guardian Phone', 'Joined', 'Fee'],
      [1, 'Asha Rao', 9812345678, new Date(Date.UTC(2024, 5, 3)), 12.5],
      [2, '=cmd|\' /C calc\'!A0', '', null, 0.1 + 0.2],
    ]);
    const rows = await parseRosterFile('roster.xlsx', bytes);
    expect(rows[0]).toEqual(['Roll No', 'Name', 'Guardian Phone', 'Joined', 'Fee']);
    expect(rows[1]).toEqual(['1', 'Asha Rao', '9812345678', '2024-06-03', '12.5']);
    expect(rows[2][1]).toBe("=cmd|' /C calc'!A0");
    expect(rows[2][4]).toBe('0.3');

    const preview = await read('roster.xlsx', bytes);
    expect(preview.rows[0].values).toMatchObject({ rollNo: '1', guardianPhone: '+919812345678' });
    expect(preview.rows[1].values.fullName).toBe("=cmd|' /C calc'!A0");
  });
});

describe('parseRosterFile: large files', () => {
  const students = 5000;
  const bigRoster = () => [
    ['Roll No', 'Name', 'Phone', 'Email'],
    ...Array.from({ length: students }, (_, i) => [String(i + 1), `Student ${i + 1}`, `98${String(10_000_000 + i)}`, `s${i + 1}@school.example`]),
  ];

  it('parses and validates 5,000 CSV rows', async () => {
    const rows = bigRoster();
    rows[students][0] = '17'; // the last student repeats line 18's roll no
    const preview = await read('big.csv', utf8(rows.map((r) => r.join(',')).join('\n')));
    expect(preview.rows).toHaveLength(students);
    expect(preview.errorCount).toBe(2);
    expect(preview.validCount).toBe(students - 2);
    expect(preview.rows[students - 1].errors).toEqual(["Line 5001: roll no '17' is also used on line 18."]);
  });

  it('parses and validates 5,000 XLSX rows', async () => {
    const preview = await read('big.xlsx', xlsxBytes(bigRoster()), ['12']);
    expect(preview.rows).toHaveLength(students);
    expect(preview.errorCount).toBe(1);
    expect(preview.rows[11].errors).toEqual(["Line 13: roll no '12' is already in this class."]);
  });
});

describe('parseRosterFile: hostile files', () => {
  afterAll(() => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).rollNo).toBeUndefined();
  });

  it('treats "__proto__" headers and values as plain text', async () => {
    const csv = '__proto__,constructor,Roll No,Name,prototype\n{"polluted":true},x,__proto__,constructor,y\n';
    const preview = await read('proto.csv', utf8(csv));
    expect(preview.ignoredHeaders).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(preview.rows[0].values).toMatchObject({ rollNo: '__proto__', fullName: 'constructor' });

    const xlsx = await read('proto.xlsx', xlsxBytes([['__proto__', 'Roll', 'Name'], ['{"polluted":true}', '__proto__', 'toString']]));
    expect(xlsx.rows[0].values).toMatchObject({ rollNo: '__proto__', fullName: 'toString' });
  });

  it('caps a huge cell with an error', async () => {
    const preview = await read('huge.csv', utf8(`Roll,Name\n1,${'A'.repeat(1_000_000)}\n2,Asha\n`));
    expect(preview.rows[0].values.fullName).toHaveLength(200);
    expect(preview.rows[0].errors).toEqual(['Line 2: name is longer than 200 characters.']);
    expect(preview.validCount).toBe(1);
  });

  it('refuses files it must not parse, with typed errors', async () => {
    const random = new Uint8Array(4096);
    let seed = 42;
    for (let i = 0; i < random.length; i++) random[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const xls = new Uint8Array(2048);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

    expect(await codeOf(parseRosterFile('empty.csv', new ArrayBuffer(0)))).toBe('empty');
    expect(await codeOf(parseRosterFile('random.bin', random.buffer))).toBe('not-a-spreadsheet');
    expect(await codeOf(parseRosterFile('old.xls', xls.buffer))).toBe('legacy-xls');
    expect(await codeOf(parseRosterFile('photos.zip', storedZip([{ name: 'photo.txt', text: 'hello' }])))).toBe('not-xlsx');
    expect(await codeOf(parseRosterFile('sheet.ods', storedZip([{ name: 'mimetype', text: 'application/vnd.oasis.opendocument.spreadsheet' }, { name: 'content.xml', text: '<x/>' }])))).toBe('not-xlsx');
    expect(await codeOf(parseRosterFile('bomb.xlsx', storedZip([{ name: 'xl/workbook.xml', text: '<x/>', declaredSize: 0xfffffff0 }])))).toBe('too-large');
    expect(await codeOf(parseRosterFile('fake.xlsx', storedZip([{ name: 'xl/workbook.xml', text: 'not xml at all' }, { name: '[Content_Types].xml', text: '<' }])))).toBe('unreadable-xlsx');
    expect(await codeOf(parseRosterFile('cut.xlsx', xlsxBytes([['Roll', 'Name']]).slice(0, 300)))).toBe('unreadable-xlsx');
    expect(await codeOf(parseRosterFile('page.xls', utf8('<html><table><tr><td>Roll</td></tr></table></html>')))).toBe('not-a-spreadsheet');
    expect(await codeOf(parseRosterFile('huge.csv', new ArrayBuffer(5 * 1024 * 1024 + 1)))).toBe('too-large');
  });

  it('says what to do in its messages', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(parseRosterFile('old.xls', xls.buffer)).rejects.toThrow("'old.xls' is an old Excel (.xls) file. Open it in Excel and choose Save As › Excel Workbook (.xlsx) or CSV, then import that file.");
    await expect(parseRosterFile('photos.zip', storedZip([{ name: 'a.txt', text: 'x' }]))).rejects.toThrow("'photos.zip' is a ZIP archive but not an Excel workbook.");
  });
});

describe('cellText', () => {
  it('writes numbers as typed', () => {
    expect(cellText(919812345678)).toBe('919812345678');
    expect(cellText(1e21)).toBe('1000000000000000000000');
    expect(cellText(7)).toBe('7');
    expect(cellText(-0.5)).toBe('-0.5');
    expect(cellText(Number.NaN)).toBe('');
    expect(cellText(true)).toBe('TRUE');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 9, 30)))).toBe('2024-01-02 09:30');
    expect(cellText({ toString: () => 'x' })).toBe('');
  });
});

describe('detectDelimiter', () => {
  it('uses the first line that has a delimiter and ignores quoted ones', () => {
    expect(detectDelimiter('Title\nRoll;Name;Phone\n')).toBe(';');
    expect(detectDelimiter('"a,b,c";d;e\n')).toBe(';');
    expect(detectDelimiter('Roll\tName\n')).toBe('\t');
    expect(detectDelimiter('Name\nAsha\n')).toBe(',');
  });
});
