import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass, type StudentRow } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import type { Quality } from '@/ml/types';
import type { IdentifyResult } from '@/ml/worker/protocol';
import { useAttendanceStore } from './attendance';
import { useClassModelsStore } from './classModels';
import { useFaceEngineStore } from './faceEngine';

const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const classPhoto = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 4, 5, 6])], { type: 'image/jpeg' });

let db: RollcallDb;
let classId: string;
let ana: StudentRow;
let ben: StudentRow;

/** A fresh app (a reload): new stores over the same database, the engine answering with Ana and Ben. */
function app() {
  setActivePinia(createPinia());
  const result: IdentifyResult = {
    width: 800, height: 600, originalWidth: 1600, originalHeight: 1200, scale: 0.5, backend: 'cpu', detector: 'ssd', timings: {} as IdentifyResult['timings'], modelId: 'm1',
    faces: [ana, ben].map((_, i) => ({ box: { x: 100 + i * 200, y: 100, width: 120, height: 120 }, score: 0.99, landmarks: [], quality, descriptor: [i, 0.5, 0.25] })),
    recognitions: [ana, ben].map((s) => ({ label: s.id, candidate: s.id, probability: 0.95, margin: 0.5, distance: 0.3, reason: 'accepted' as never })),
  };
  vi.spyOn(useFaceEngineStore(), 'identify').mockResolvedValue(result);
  vi.spyOn(useClassModelsStore(), 'activeModel').mockResolvedValue({ version: 'm1', classes: 2, createdAt: '2026-03-02T07:00:00.000Z', load: async () => new Uint8Array() });
  const attendance = useAttendanceStore();
  attendance.configure({ db });
  return attendance;
}

beforeEach(async () => {
  db = new RollcallDb(`review-photos-store-${crypto.randomUUID()}`);
  classId = (await createClass(db, { name: '7B' })).id;
  [ana, ben] = (await addStudents(db, classId, ['Ana', 'Ben'].map((fullName, i) => ({ rollNo: String(i + 1), fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' })))) as [StudentRow, StudentRow];
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('a class photo under review', () => {
  it('is there again after a reload, with its faces as the teacher left them, until the session is finished', async () => {
    let attendance = app();
    const session = await attendance.start(classId, 'photo', 'Ms K');
    await attendance.addPhoto(classPhoto);
    const [photo] = attendance.photos;
    await attendance.notThis(photo!, photo!.faces[1]!);

    attendance = app();
    await attendance.open(session.id);
    expect(attendance.photos).toHaveLength(1);
    const again = attendance.photos[0]!;
    expect(again).toMatchObject({ id: photo!.id, width: 800, height: 600, scale: 0.5 });
    expect(again.faces.map((f) => [f.verdict.studentId, f.resolved])).toEqual([[ana.id, null], [null, 'rejected']]);
    expect(again.faces[0]!.face.descriptor).toEqual([0, 0.5, 0.25]);
    expect(new Uint8Array(await (await fetch(again.url)).arrayBuffer())).toEqual(new Uint8Array(await classPhoto.arrayBuffer()));

    await attendance.finalise();
    expect(await db.reviewPhotos.count()).toBe(0);
    attendance = app();
    await attendance.open(session.id);
    expect(attendance.photos).toEqual([]);
  });
});
