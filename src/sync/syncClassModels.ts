/**
 * Each class's active model between this device and the school's server
 * (see planClassModelSync for the direction). Sending needs the school to share
 * face templates; the server refuses otherwise and says so. A taken version
 * is checked against the server's SHA-256 before it is stored.
 */
import type { RollcallDb } from '@/db/db';
import { activateModelVersion, activeModelSummary, getModelVersion, saveModelVersion, type ModelVersionRow } from '@/db/modelVersions';
import { planClassModelSync, type ModelSyncStep, type ServerArtifact } from './planClassModelSync';
import { callFunction, type FunctionsClient } from '@/api/callFunction';
import { SyncOfflineError } from './syncErrors';

type Client = FunctionsClient;

interface FullArtifact extends ServerArtifact {
  class_id: string;
  descriptor_version: string;
  metrics: Record<string, unknown>;
  checksum: string;
  created_at: string;
}

export interface ModelSyncResult {
  classId: string;
  step: ModelSyncStep['kind'];
  error?: string;
}

async function call<T>(client: Client, body: Record<string, unknown>): Promise<T> {
  const result = await callFunction<T>(client, 'model-artifacts', body);
  if (result.kind === 'ok') return result.data;
  if (result.kind === 'offline') throw new SyncOfflineError(result.message);
  throw new Error(result.message || `model-artifacts answered ${result.status}`);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function upload(db: RollcallDb, client: Client, classId: string, localId: string) {
  const row = await getModelVersion(db, localId);
  if (!row) return;
  const metrics = { accuracy: row.accuracy, precision: row.precision ?? null, recall: row.recall ?? null, far: row.far, frr: row.frr, classes: row.classes, samples: row.samples, trainingMs: row.trainingMs, backend: row.backend, createdAt: row.createdAt };
  await call(client, {
    action: 'upload',
    classId,
    version: row.id,
    descriptorVersion: row.descriptorVersion,
    checksum: await sha256Hex(row.artifact),
    sizeBytes: row.artifact.byteLength,
    bytes: toBase64(row.artifact),
    metrics,
    activate: true,
  });
}

async function take(db: RollcallDb, client: Client, classId: string, artifact: ServerArtifact, now: Date) {
  const reason = "the class's model on the school server";
  if (await db.modelVersions.get(artifact.version)) return activateModelVersion(db, artifact.version, reason, now);
  const { artifact: meta, bytes } = await call<{ artifact: FullArtifact; bytes: string }>(client, { action: 'download', id: artifact.id });
  const data = fromBase64(bytes);
  if ((await sha256Hex(data)) !== meta.checksum) throw new Error('The downloaded model does not match its checksum; it was not used.');
  const m = meta.metrics ?? {};
  const row: ModelVersionRow = {
    id: meta.version,
    scope: classId,
    createdAt: typeof m.createdAt === 'string' ? m.createdAt : meta.created_at,
    updatedAt: now.toISOString(),
    status: 'inactive',
    statusReason: reason,
    classes: num(m.classes) ?? 0,
    samples: num(m.samples) ?? 0,
    trainingMs: num(m.trainingMs) ?? 0,
    backend: typeof m.backend === 'string' ? m.backend : 'unknown',
    accuracy: num(m.accuracy),
    precision: num(m.precision),
    recall: num(m.recall),
    far: num(m.far),
    frr: num(m.frr),
    descriptorVersion: meta.descriptor_version,
    artifact: data,
  };
  await saveModelVersion(db, row);
  await activateModelVersion(db, row.id, reason, now);
}

export async function syncClassModels(db: RollcallDb, client: Client, classIds: readonly string[], now = () => new Date()): Promise<ModelSyncResult[]> {
  const results: ModelSyncResult[] = [];
  for (const classId of classIds) {
    let step: ModelSyncStep = { kind: 'none', why: 'in-step' };
    try {
      const server = await call<{ artifacts: ServerArtifact[]; syncFaceTemplates?: boolean }>(client, { action: 'list', classId });
      // Its id and time are all the plan needs: the sealed artifact stays closed.
      const active = await activeModelSummary(db, classId);
      step = planClassModelSync({ active: active ? { id: active.id, activatedAt: active.updatedAt } : null }, { artifacts: server.artifacts ?? [], syncFaceTemplates: server.syncFaceTemplates ?? false });
      if (step.kind === 'upload') await upload(db, client, classId, step.localId);
      else if (step.kind === 'activate-on-server') await call(client, { action: 'activate', id: step.artifactId });
      else if (step.kind === 'take') await take(db, client, classId, step.artifact, now());
      results.push({ classId, step: step.kind });
    } catch (err) {
      if (err instanceof SyncOfflineError) throw err;
      results.push({ classId, step: step.kind, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}
