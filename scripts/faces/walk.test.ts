import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectInputs, compareNames } from './walk';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'faces-walk-'));
  const files = [
    'class/group.jpg',
    'class/notes.txt',
    'class/PersonB/img10.jpg',
    'class/PersonB/img2.JPG',
    'class/PersonA/a.png',
    'class/PersonA/.hidden.jpg',
    'class/.cache/x.jpg',
    'class/PersonA/deeper/c.jpeg',
    'single.jpg',
    'README',
  ];
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('collectInputs', () => {
  it('walks a folder of folders in natural order, naming each image by its parent folder', async () => {
    const out = await collectInputs([join(root, 'class')]);
    expect(out).toEqual([
      { file: join(root, 'class/group.jpg') },
      { file: join(root, 'class/PersonA/a.png'), person: 'PersonA' },
      { file: join(root, 'class/PersonA/deeper/c.jpeg'), person: 'deeper' },
      { file: join(root, 'class/PersonB/img2.JPG'), person: 'PersonB' },
      { file: join(root, 'class/PersonB/img10.jpg'), person: 'PersonB' },
    ]);
  });

  it('passes files through whatever their extension, keeps missing paths, and drops repeats', async () => {
    const readme = join(root, 'README');
    const missing = join(root, 'nope.jpg');
    const single = join(root, 'single.jpg');
    const out = await collectInputs([readme, missing, single, single]);
    expect(out).toEqual([{ file: readme }, { file: missing }, { file: single }]);
  });

  it('lists an image once when it is named and also found in a directory', async () => {
    const single = join(root, 'single.jpg');
    const out = await collectInputs([single, root]);
    expect(out.filter((e) => e.file === single)).toHaveLength(1);
    expect(out[0]).toEqual({ file: single });
  });
});

describe('compareNames', () => {
  it('sorts numbers by value', () => {
    expect(['img10.jpg', 'img2.jpg', 'img1.jpg'].sort(compareNames)).toEqual(['img1.jpg', 'img2.jpg', 'img10.jpg']);
  });
});
