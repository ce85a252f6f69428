import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FacesDocument, ImageFailed, ImageOk } from './faces/format';
import { forgedHeif, forgedPng } from '../src/ml/node/forgedImages';

const ROOT = resolve(import.meta.dirname, '..');
// sample3: tiny finds all three of its faces (it misses sample2's downward-looking one).
const SAMPLE3 = 'node_modules/@vladmandic/face-api/demo/sample3.jpg';

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['tsx', 'scripts/faces.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let dir: string;
let bogus: string;
let blank: string;
let bomb: string;
let heic: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faces-cli-'));
  bogus = join(dir, 'holiday.jpg');
  await writeFile(bogus, 'this is a text file with a .jpg name, not a photo\n');
  blank = join(dir, 'wall.png');
  const png = new PNG({ width: 320, height: 240 });
  png.data.fill(200);
  await writeFile(blank, PNG.sync.write(png));
  // A few hundred bytes claiming 30000 × 30000: decoding it took minutes and gigabytes.
  bomb = join(dir, 'bomb.png');
  await writeFile(bomb, forgedPng(30_000, 30_000));
  heic = join(dir, 'IMG_0001.HEIC');
  await writeFile(heic, forgedHeif('heic', { width: 4032, height: 3024 }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('faces CLI', () => {
  it('detects the three faces of sample3 and reports the bogus file without stopping', async () => {
    const { code, stdout, stderr } = await runCli(['detect', SAMPLE3, bogus, '--json', '--detector', 'tiny']);
    expect(code, stderr).toBe(0);
    const doc = JSON.parse(stdout) as FacesDocument;
    expect(doc.backend).toBe('wasm');
    expect(doc.detector).toBe('tiny');
    expect(doc.images).toHaveLength(2);

    const sample = doc.images[0] as ImageOk;
    expect(sample.file).toBe(SAMPLE3);
    expect([sample.width, sample.height]).toEqual([1920, 1350]);
    expect(sample.faces).toHaveLength(3);
    for (const f of sample.faces) {
      expect(f.landmarks).toHaveLength(68);
      expect(f.box.width).toBeGreaterThan(40);
      expect(f.descriptor).toBeUndefined();
    }
    expect(sample.timings.total).toBeGreaterThan(0);

    const failed = doc.images[1] as ImageFailed;
    expect(failed.file).toBe(bogus);
    expect(['not-an-image', 'truncated-image']).toContain(failed.error.code);
    expect(failed.error.message.length).toBeGreaterThan(0);
  });

  it('reports a photo without faces as processed, with no faces', async () => {
    const { code, stdout, stderr } = await runCli(['detect', blank, '--json']);
    expect(code, stderr).toBe(0);
    const doc = JSON.parse(stdout) as FacesDocument;
    expect(doc.images[0]).toMatchObject({ file: blank, width: 320, height: 240, faces: [] });
  });

  it('exits 1 when every file fails and 2 on a usage error', async () => {
    const failing = await runCli(['detect', bogus, bomb, heic, '--json']);
    expect(failing.code).toBe(1);
    const codes = (JSON.parse(failing.stdout) as FacesDocument).images.map((i) => (i as ImageFailed).error.code);
    expect(codes).toEqual(['not-an-image', 'image-too-large', 'unsupported-format']);
    const usage = await runCli(['detect', '--detector', 'yolo']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage:/);
  });
});
