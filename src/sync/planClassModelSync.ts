/**
 * Which way a class's model goes, decided from what the device and the
 * server hold. The most recent decision wins: a version trained or chosen on
 * this device after the server's last change is sent (or re-activated
 * there); a version activated on the server later, by another teacher's
 * device or a rollback, is taken. Nothing moves unless the school shares
 * face templates, because a model carries its students' descriptors.
 */
export interface LocalModelState {
  /** The device's active version: its id (the server's `version`) and when it became active. */
  active: { id: string; activatedAt: string } | null;
}

export interface ServerArtifact {
  id: string;
  version: string;
  status: string;
  updated_at: string;
}

export type ModelSyncStep =
  | { kind: 'none'; why: 'not-shared' | 'in-step' | 'nothing-trained' }
  | { kind: 'upload'; localId: string }
  | { kind: 'activate-on-server'; artifactId: string }
  | { kind: 'take'; artifact: ServerArtifact };

export function planClassModelSync(local: LocalModelState, server: { artifacts: ServerArtifact[]; syncFaceTemplates: boolean }): ModelSyncStep {
  if (!server.syncFaceTemplates) return { kind: 'none', why: 'not-shared' };
  const S = server.artifacts.find((a) => a.status === 'active') ?? null;
  const L = local.active;
  if (!L && !S) return { kind: 'none', why: 'nothing-trained' };
  if (L && S && S.version === L.id) return { kind: 'none', why: 'in-step' };
  if (!L) return { kind: 'take', artifact: S! };
  const localIsNewer = !S || Date.parse(L.activatedAt) > Date.parse(S.updated_at);
  if (!localIsNewer) return { kind: 'take', artifact: S! };
  const onServer = server.artifacts.find((a) => a.version === L.id && a.status !== 'rejected');
  return onServer ? { kind: 'activate-on-server', artifactId: onServer.id } : { kind: 'upload', localId: L.id };
}
