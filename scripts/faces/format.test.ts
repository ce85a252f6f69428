import { describe, it, expect } from 'vitest';
import type { Face } from '../../src/ml/types';
import { exitCode, formatTable, round, toJsonFace, toJsonTimings, type FacesDocument } from './format';

const face: Face = {
  box: { x: 100.26, y: 50.04, width: 80.55, height: 90.01 },
  score: 0.987654,
  landmarks: Array.from({ length: 68 }, (_, i) => ({ x: 110 + i * 0.333, y: 60.05 })),
  quality: { sizePx: 81, sharpness: 123.456, brightness: 99.94, yaw: -3.21, pitch: 4.56, roll: -0.04, ok: true, issues: [] },
  descriptor: [0.123456, -0.000049, 0.5],
};

describe('round', () => {
  it('rounds to the given decimals and never returns -0', () => {
    expect(round(1.25, 1)).toBe(1.3);
    expect(round(-0.00004, 4)).toBe(0);
    expect(Object.is(round(-0.00004, 4), -0)).toBe(false);
    expect(round(0.123456, 4)).toBe(0.1235);
  });
});

describe('toJsonFace', () => {
  it('rounds pixels to 0.1, scores and descriptors to 1e-4', () => {
    const j = toJsonFace(face);
    expect(j.box).toEqual({ x: 100.3, y: 50, width: 80.6, height: 90 });
    expect(j.score).toBe(0.9877);
    expect(j.landmarks).toHaveLength(68);
    expect(j.landmarks[3]).toEqual({ x: 111, y: 60.1 });
    expect(j.descriptor).toEqual([0.1235, 0, 0.5]);
    expect(j.quality).toMatchObject({ sizePx: 81, sharpness: 123.5, yaw: -3.2, roll: 0, ok: true, issues: [] });
  });

  it('maps coordinates back to the original file when the image was scaled down', () => {
    const j = toJsonFace(face, 0.5);
    expect(j.box).toEqual({ x: 200.5, y: 100.1, width: 161.1, height: 180 });
    expect(j.quality.sizePx).toBe(162);
  });

  it('leaves the descriptor out when there is none', () => {
    const { descriptor: _, ...noDescriptor } = face;
    expect('descriptor' in toJsonFace(noDescriptor)).toBe(false);
  });
});

describe('toJsonTimings', () => {
  it('adds decoding to the total', () => {
    expect(toJsonTimings(12.34, { detect: 100, landmarks: 10, align: 5, embed: 20.05, total: 135.05 })).toEqual({
      decode: 12.3, detect: 100, landmarks: 10, align: 5, embed: 20.1, total: 147.4,
    });
  });
});

const timings = { decode: 1, detect: 2, landmarks: 3, align: 4, embed: 5, total: 15.25 };

describe('exitCode', () => {
  it('is 0 when any image was processed and 1 when none was', () => {
    const failed = { file: 'b.jpg', error: { code: 'not-an-image', message: 'no' } };
    expect(exitCode([{ file: 'a.jpg', width: 1, height: 1, faces: [], timings }, failed])).toBe(0);
    expect(exitCode([failed])).toBe(1);
    expect(exitCode([])).toBe(1);
  });
});

describe('formatTable', () => {
  const doc: FacesDocument = {
    backend: 'wasm',
    backendReason: 'because',
    detector: 'ssd',
    images: [
      { file: 'class/PersonA/a.jpg', person: 'PersonA', width: 10, height: 10, faces: [toJsonFace(face), toJsonFace(face)], timings },
      { file: 'b.jpg', error: { code: 'truncated-image', message: 'The file may be truncated.' } },
    ],
  };

  it('starts with the backend and its reason, and has one row per image plus a summary', () => {
    const lines = formatTable(doc).split('\n');
    expect(lines[0]).toBe('Backend: wasm (because)');
    expect(lines[1]).toBe('Detector: ssd');
    expect(lines[3]).toMatch(/^file\s+person\s+faces\s+ms$/);
    expect(lines[4]).toMatch(/^class\/PersonA\/a\.jpg\s+PersonA\s+2\s+15\.3$/);
    expect(lines[5]).toMatch(/^b\.jpg\s+error\s+truncated-image: The file may be truncated\.$/);
    expect(lines.at(-1)).toBe('2 image(s): 1 processed, 1 failed, 2 face(s) found.');
  });

  it('aligns the columns', () => {
    const lines = formatTable(doc).split('\n');
    expect(lines[4]!.lastIndexOf('PersonA')).toBe(lines[3]!.indexOf('person'));
    expect(lines[4]!.length).toBe(lines[3]!.length);
  });

  it('has no person column when no image has a person', () => {
    const header = formatTable({ ...doc, images: [doc.images[1]!] }).split('\n')[3];
    expect(header).not.toMatch(/person/);
  });
});
