import { describe, expect, it } from 'vitest';
import type { ConsentRow } from '@/db/consents';
import { consentFromServer, consentToServer } from './consentServerRow';

const local: ConsentRow = {
  id: '7c0a3b52-1111-4c4c-8888-000000000001', studentId: 's1', classId: 'c1', givenByName: 'Rosa Lima', relationship: 'legal-guardian', method: 'paper',
  noticeVersion: '2026-01', givenAt: '2026-03-01T00:00:00.000Z', withdrawnAt: null, recordedBy: 'Ms K', createdAt: '2026-03-02T00:00:00.000Z', updatedAt: '2026-03-02T00:00:00.000Z',
};

describe('consents in the server’s columns', () => {
  it('sends the record without names', () => {
    expect(consentToServer(local)).toEqual({ id: local.id, student_id: 's1', method: 'paper', notice_version: '2026-01', given_at: local.givenAt, withdrawn_at: null });
  });

  it('a pulled withdrawal keeps what only this device knows', () => {
    const pulled = consentFromServer(
      { id: local.id, student_id: 's1', method: 'paper', notice_version: '2026-01', given_at: '2026-03-01T00:00:00+00:00', withdrawn_at: '2026-03-05T10:00:00.123456+00:00', created_at: '2026-03-02T00:00:01+00:00', updated_at: '2026-03-05T10:00:00.2+00:00' },
      'c1',
      local,
    );
    expect(pulled).toEqual({ ...local, withdrawnAt: '2026-03-05T10:00:00.123Z', updatedAt: '2026-03-05T10:00:00.200Z' });
  });

  it('a consent a parent gave in the app arrives without a name', () => {
    const pulled = consentFromServer(
      { id: 'x', student_id: 's2', method: 'app', notice_version: '3', given_at: '2026-03-01T08:00:00Z', withdrawn_at: null, created_at: '2026-03-01T08:00:00Z', updated_at: '2026-03-01T08:00:00Z' },
      'c1',
    );
    expect(pulled).toMatchObject({ studentId: 's2', classId: 'c1', method: 'app', givenByName: 'A guardian, in the app', withdrawnAt: null, recordedBy: '' });
  });
});
