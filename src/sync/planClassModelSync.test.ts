import { describe, expect, it } from 'vitest';
import { planClassModelSync, type ServerArtifact } from './planClassModelSync';

const art = (version: string, status: string, updatedAt: string, id = `srv-${version}`): ServerArtifact => ({ id, version, status, updated_at: updatedAt });
const local = (id: string, activatedAt: string) => ({ active: { id, activatedAt } });

describe('planClassModelSync', () => {
  it('moves nothing when the school keeps face templates on each device', () => {
    expect(planClassModelSync(local('v2', '2026-11-22T10:00:00Z'), { artifacts: [], syncFaceTemplates: false })).toEqual({ kind: 'none', why: 'not-shared' });
  });

  it('sends a version trained here that the server has never seen', () => {
    expect(planClassModelSync(local('v2', '2026-11-22T10:00:00Z'), { artifacts: [], syncFaceTemplates: true })).toEqual({ kind: 'upload', localId: 'v2' });
    const older = [art('v1', 'active', '2026-11-21T10:00:00Z')];
    expect(planClassModelSync(local('v2', '2026-11-22T10:00:00Z'), { artifacts: older, syncFaceTemplates: true })).toEqual({ kind: 'upload', localId: 'v2' });
  });

  it("takes the server's active version on a device with none, or when it changed there later (another phone, a rollback)", () => {
    const v1 = art('v1', 'active', '2026-11-22T12:00:00Z');
    expect(planClassModelSync({ active: null }, { artifacts: [v1], syncFaceTemplates: true })).toEqual({ kind: 'take', artifact: v1 });
    const rolledBack = [v1, art('v2', 'inactive', '2026-11-22T12:00:00Z')];
    expect(planClassModelSync(local('v2', '2026-11-22T10:00:00Z'), { artifacts: rolledBack, syncFaceTemplates: true })).toEqual({ kind: 'take', artifact: v1 });
  });

  it('re-activates on the server a version this device went back to more recently', () => {
    const artifacts = [art('v2', 'active', '2026-11-22T10:00:00Z'), art('v1', 'inactive', '2026-11-22T10:00:00Z', 'srv-1')];
    expect(planClassModelSync(local('v1', '2026-11-22T11:00:00Z'), { artifacts, syncFaceTemplates: true })).toEqual({ kind: 'activate-on-server', artifactId: 'srv-1' });
  });

  it('does nothing when both agree, or when neither has a model', () => {
    expect(planClassModelSync(local('v1', '2026-11-22T11:00:00Z'), { artifacts: [art('v1', 'active', '2026-11-22T10:00:00Z')], syncFaceTemplates: true }).kind).toBe('none');
    expect(planClassModelSync({ active: null }, { artifacts: [art('v1', 'inactive', '2026-11-22T10:00:00Z')], syncFaceTemplates: true })).toEqual({ kind: 'none', why: 'nothing-trained' });
  });

  it('never re-activates a version the server rejected; it uploads it again as new', () => {
    const artifacts = [art('v1', 'active', '2026-11-22T09:00:00Z'), art('v2', 'rejected', '2026-11-22T09:00:00Z')];
    expect(planClassModelSync(local('v2', '2026-11-22T11:00:00Z'), { artifacts, syncFaceTemplates: true })).toEqual({ kind: 'upload', localId: 'v2' });
  });
});
