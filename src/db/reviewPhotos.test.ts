import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClass } from './classes';
import { RollcallDb } from './db';
import { createSession, updateSession } from './sessions';
import { deleteReviewPhotos, listReviewPhotos, purgeReviewPhotos, saveReviewFaces, saveReviewPhoto } from './reviewPhotos';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6]);
const descriptor = [0.125, -0.5, 0.75];
const faces = [{ key: 'p1-0', face: { box: { x: 1, y: 2, width: 30, height: 40 }, descriptor }, resolved: null as string | null }];

let db: RollcallDb;
let classId: string;
let sessionId: string;

beforeEach(async () => {
  db = new RollcallDb(`review-photos-${crypto.randomUUID()}`);
  classId = (await createClass(db, { name: '7B' })).id;
  sessionId = (await createSession(db, { classId, startsAt: '2026-03-02T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'd' })).id;
});
afterEach(async () => {
  await db.delete();
});

const save = (id: string, at = new Date('2026-03-02T08:05:00.000Z'), session = sessionId) =>
  saveReviewPhoto(db, { id, sessionId: session, classId, width: 640, height: 480, scale: 0.5, image: new Blob([jpeg], { type: 'image/jpeg' }), faces }, at);

/** Every byte IndexedDB holds for the table, as text and numbers. */
async function stored(): Promise<string> {
  const rows = await db.reviewPhotos.toArray();
  return JSON.stringify(rows, (_k, v: unknown) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v instanceof Uint8Array ? Array.from(v) : v));
}

describe('class photos kept for review', () => {
  it('are stored sealed: neither the photo nor a face’s descriptor is readable in the table', async () => {
    await save('p1');
    const text = await stored();
    expect(text).not.toContain('0.125');
    expect(text).not.toContain('p1-0');
    expect(text).not.toContain([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6].join(','));
    const [row] = await db.reviewPhotos.toArray();
    expect(row).toMatchObject({ id: 'p1', sessionId, classId, width: 640, height: 480, scale: 0.5, imageType: 'image/jpeg' });
  });

  it('open as they were saved, oldest first, with the faces as last corrected', async () => {
    await save('p2', new Date('2026-03-02T08:06:00.000Z'));
    await save('p1');
    await saveReviewFaces(db, 'p1', [{ ...faces[0]!, resolved: 'confirmed' }]);
    const photos = await listReviewPhotos<(typeof faces)[number]>(db, sessionId);
    expect(photos.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(new Uint8Array(await photos[0]!.image.arrayBuffer())).toEqual(jpeg);
    expect(photos[0]!.image.type).toBe('image/jpeg');
    expect(photos[0]!.faces).toEqual([{ ...faces[0], resolved: 'confirmed' }]);
    expect(photos[1]!.faces).toEqual(faces);
  });

  it('a sealed value moved to another photo does not open, and that photo is left out', async () => {
    await save('p1');
    await save('p2');
    const p1 = (await db.reviewPhotos.get('p1'))!;
    await db.reviewPhotos.update('p2', { sealedFaces: p1.sealedFaces });
    expect((await listReviewPhotos(db, sessionId)).map((p) => p.id)).toEqual(['p1']);
  });

  it('are removed with their session’s finish', async () => {
    await save('p1');
    const other = (await createSession(db, { classId, startsAt: '2026-03-03T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'd' })).id;
    await save('p9', undefined, other);
    expect(await deleteReviewPhotos(db, sessionId)).toBe(1);
    expect(await listReviewPhotos(db, sessionId)).toEqual([]);
    expect(await db.reviewPhotos.count()).toBe(1);
  });

  it('are purged by retention once their session is finished, or after the review period', async () => {
    await save('kept');
    const finished = (await createSession(db, { classId, startsAt: '2026-03-01T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'd' })).id;
    await save('finished', undefined, finished);
    await updateSession(db, finished, { finalisedAt: '2026-03-01T09:00:00.000Z' });
    const stale = (await createSession(db, { classId, startsAt: '2026-02-01T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'd' })).id;
    await save('stale', new Date('2026-02-01T08:05:00.000Z'), stale);
    expect(await purgeReviewPhotos(db, new Date('2026-03-02T12:00:00.000Z'))).toBe(2);
    expect((await db.reviewPhotos.toArray()).map((r) => r.id)).toEqual(['kept']);
  });
});
