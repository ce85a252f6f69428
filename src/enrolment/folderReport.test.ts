import { describe, expect, it } from 'vitest';
import { groupFolderRefusals, type FolderRefusal } from './folderReport';

const noConsent = (student: number, photo: number): FolderRefusal => ({
  file: `${student}/${photo}.jpg`,
  reason: `No consent is recorded for Student ${student}: record it before taking face photos.`,
  kind: 'no-consent',
  studentId: `s${student}`,
  studentName: `Student ${student}`,
});

describe('groupFolderRefusals', () => {
  it('makes 30 photos of 6 students without consent one line', () => {
    const refused = [1, 2, 3, 4, 5, 6].flatMap((s) => [1, 2, 3, 4, 5].map((p) => noConsent(s, p)));
    const { noConsent: group, others } = groupFolderRefusals(refused);
    expect(group).toEqual({
      photos: 30,
      students: [1, 2, 3, 4, 5, 6].map((s) => ({ id: `s${s}`, name: `Student ${s}` })),
      text: '30 photos not kept: no consent recorded for 6 students.',
    });
    expect(others).toEqual([]);
  });

  it('names the one student, and keeps other refusals photo by photo', () => {
    const blurred: FolderRefusal = { file: '2/a.jpg', reason: 'Not good enough to enrol: the photo is blurred: hold still.', kind: 'poor-quality', studentId: 's2' };
    const { noConsent: group, others } = groupFolderRefusals([noConsent(1, 1), blurred, noConsent(1, 2)]);
    expect(group?.text).toBe('2 photos not kept: no consent recorded for Student 1.');
    expect(others).toEqual([blurred]);
    expect(groupFolderRefusals([noConsent(1, 1)]).noConsent?.text).toBe('1 photo not kept: no consent recorded for Student 1.');
  });

  it('has no group when every student has consent', () => {
    expect(groupFolderRefusals([{ file: 'x.jpg', reason: 'No face was found in this photo.', kind: 'no-face' }]).noConsent).toBeNull();
  });
});
