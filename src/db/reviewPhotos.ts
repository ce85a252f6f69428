/**
 * Class photos waiting for the teacher's review, kept so a reload does not
 * lose them: the photo and its faces (boxes, descriptors, what the teacher
 * said) are sealed under the device key like other face data
 * (faceCrypto.ts). Removed when the session is finished, and by the privacy
 * upkeep after REVIEW_PHOTO_DAYS (privacy/retention.ts). Never synced,
 * never backed up. The faces are the caller's type: this file only seals
 * them as JSON.
 */
import { reviewPhotosToDelete } from '@/privacy/retention';
import type { RollcallDb } from './db';
import { FaceDataUnreadableError, openBlob, openBytes, sealBlob, sealBytes, type SealedValue } from './faceCrypto';

export interface ReviewPhotoRow<F> {
  id: string;
  sessionId: string;
  classId: string;
  createdAt: string;
  width: number;
  height: number;
  scale: number;
  image: Blob;
  faces: F[];
}

export interface StoredReviewPhotoRow extends Omit<ReviewPhotoRow<unknown>, 'image' | 'faces'> {
  updatedAt: string;
  imageType: string;
  sealedImage: SealedValue;
  sealedFaces: SealedValue;
}

const imageContext = (id: string) => `reviewPhotos/${id}/image`;
const facesContext = (id: string) => `reviewPhotos/${id}/faces`;

const sealFaces = (db: RollcallDb, id: string, faces: readonly unknown[]) => sealBytes(db, new TextEncoder().encode(JSON.stringify(faces)), facesContext(id));

export async function saveReviewPhoto<F>(db: RollcallDb, photo: Omit<ReviewPhotoRow<F>, 'createdAt'>, now = new Date()): Promise<void> {
  const { image, faces, ...rest } = photo;
  const at = now.toISOString();
  // Sealed before the write: a WebCrypto promise inside a Dexie transaction would end it.
  const row: StoredReviewPhotoRow = { ...rest, createdAt: at, updatedAt: at, imageType: image.type, sealedImage: await sealBlob(db, image, imageContext(photo.id)), sealedFaces: await sealFaces(db, photo.id, faces) };
  await db.reviewPhotos.put(row);
}

/** The faces after the teacher said who one is; a photo removed meanwhile stays removed. */
export async function saveReviewFaces(db: RollcallDb, id: string, faces: readonly unknown[], now = new Date()): Promise<void> {
  const sealedFaces = await sealFaces(db, id, faces);
  await db.reviewPhotos.update(id, { sealedFaces, updatedAt: now.toISOString() });
}

/** The session's photos, oldest first; one that does not open on this device is left out (the upkeep removes it with its session). */
export async function listReviewPhotos<F>(db: RollcallDb, sessionId: string): Promise<ReviewPhotoRow<F>[]> {
  const rows = (await db.reviewPhotos.where('sessionId').equals(sessionId).toArray()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const opened = await Promise.all(
    rows.map(async ({ sealedImage, sealedFaces, imageType, updatedAt: _updatedAt, ...rest }): Promise<ReviewPhotoRow<F> | null> => {
      try {
        const image = await openBlob(db, sealedImage, imageType, imageContext(rest.id));
        const faces = JSON.parse(new TextDecoder().decode(await openBytes(db, sealedFaces, facesContext(rest.id)))) as F[];
        return { ...rest, image, faces };
      } catch (err) {
        if (err instanceof FaceDataUnreadableError) return null;
        throw err;
      }
    }),
  );
  return opened.filter((p) => p !== null);
}

export async function deleteReviewPhotos(db: RollcallDb, sessionId: string): Promise<number> {
  return db.reviewPhotos.where('sessionId').equals(sessionId).delete();
}

/** Retention: photos of finished, deleted or vanished sessions, and those past the review period. Returns how many went. */
export async function purgeReviewPhotos(db: RollcallDb, now = new Date()): Promise<number> {
  return db.transaction('rw', db.reviewPhotos, db.sessions, async () => {
    const photos = await db.reviewPhotos.toArray();
    const sessions = new Map((await db.sessions.bulkGet([...new Set(photos.map((p) => p.sessionId))])).flatMap((s) => (s ? [[s.id, s] as const] : [])));
    const ids = reviewPhotosToDelete(photos, (id) => sessions.get(id), now);
    await db.reviewPhotos.bulkDelete(ids);
    return ids.length;
  });
}

/** A student's face data was erased: every class photo of their classes still under review shows them too. */
export async function deleteClassReviewPhotos(db: RollcallDb, classIds: readonly string[]): Promise<number> {
  return classIds.length ? db.reviewPhotos.where('classId').anyOf([...classIds]).delete() : 0;
}
