/**
 * POST /functions/v1/model-artifacts — trained class models, shared between
 * a school's devices. One body, five actions:
 *
 *   upload    a new version (bytes checked: size, SHA-256, format, descriptor), optionally activated
 *   list      a class's versions, newest first, without the bytes
 *   download  one version with its bytes (base64)
 *   activate  make a version the class's model; the one before becomes inactive
 *   rollback  reject the active version and go back to the newest older one
 *
 * Everything runs as the caller, so row-level security decides: teachers of
 * the class and the school's admins may upload and switch; others see nothing.
 */
import { recordAudit } from '../_shared/audit.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { log } from '../_shared/log.ts';
import {
  ARTIFACT_COLUMNS,
  type ArtifactRequest,
  decodeBase64,
  encodeBase64,
  httpErrorFor,
  inspectUpload,
  MAX_REQUEST_BYTES,
  RequestSchema,
  type UploadRequest,
} from './logic.ts';

export const handler = userEndpoint({
  name: 'model-artifacts',
  rateLimitPerMinute: Number(Deno.env.get('MODEL_ARTIFACTS_RATE_LIMIT_PER_MINUTE') ?? 30),
  schema: RequestSchema,
  maxBytes: MAX_REQUEST_BYTES,
  mapError: httpErrorFor,
  run: ({ claims, body }) => asCaller(claims, (tx) => perform(tx, body)),
});

type Outcome = { status: number; payload: Record<string, unknown> };

function perform(tx: Tx, body: ArtifactRequest): Promise<Outcome> {
  switch (body.action) {
    case 'upload':
      return upload(tx, body);
    case 'list':
      return list(tx, body.classId);
    case 'download':
      return download(tx, body.id);
    case 'activate':
      return activate(tx, body.id);
    case 'rollback':
      return rollback(tx, body.classId, body.reason);
  }
}

async function upload(tx: Tx, body: UploadRequest): Promise<Outcome> {
  const bytes = decodeBase64(body.bytes);
  const facts = await inspectUpload(body, bytes);
  const [{ school_id: schoolId }] = await tx`select public.school_of_class(${body.classId}) as school_id`;
  if (!schoolId) throw new HttpError(404, 'not_found', 'classId: no such class');
  // A model carries its students' enrolment descriptors: it leaves the device only if the school said so.
  const [{ shares }] = await tx`select public.school_shares_face_templates(${schoolId}) as shares`;
  if (!shares) {
    throw new HttpError(403, 'templates_not_shared', "this school keeps face templates on each device; an admin can turn on sharing in the school's settings");
  }

  const [row] = await tx.unsafe(
    `insert into public.model_artifacts (school_id, class_id, version, descriptor_version, metrics, checksum, size_bytes, bytes)
     values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
     returning ${ARTIFACT_COLUMNS}`,
    [schoolId, body.classId, body.version, body.descriptorVersion, (body.metrics ?? {}) as never, body.checksum, body.sizeBytes, bytes],
  );
  await recordAudit(tx, {
    schoolId,
    action: 'model.uploaded',
    entity: 'model_artifacts',
    entityId: row.id,
    details: { classId: body.classId, version: body.version, sizeBytes: body.sizeBytes, format: facts.formatVersion, classes: facts.classes },
  });
  log.info('model uploaded', { classId: body.classId, version: body.version, sizeBytes: body.sizeBytes });
  if (!body.activate) return { status: 201, payload: { artifact: row } };
  const activated = await switchTo(tx, row, 'activated on upload');
  return { status: 201, payload: { artifact: activated } };
}

async function list(tx: Tx, classId: string): Promise<Outcome> {
  const rows = await tx.unsafe(
    `select ${ARTIFACT_COLUMNS} from public.model_artifacts where class_id = $1 order by created_at desc, id desc`,
    [classId],
  );
  // school_of_class answers only about the caller's own schools: another school's class is not found, and its setting not told.
  const [{ school }] = await tx`select public.school_of_class(${classId}) as school`;
  if (!school) throw new HttpError(404, 'not_found', 'classId: no such class');
  const [{ shares }] = await tx`select public.school_shares_face_templates(${school as string}) as shares`;
  return { status: 200, payload: { artifacts: rows, syncFaceTemplates: shares } };
}

async function download(tx: Tx, id: string): Promise<Outcome> {
  const [row] = await tx.unsafe(`select ${ARTIFACT_COLUMNS}, bytes from public.model_artifacts where id = $1`, [id]);
  if (!row) throw new HttpError(404, 'not_found', 'id: no such model');
  const { bytes, ...artifact } = row;
  return { status: 200, payload: { artifact, bytes: encodeBase64(bytes as Uint8Array) } };
}

async function visibleArtifact(tx: Tx, id: string) {
  const [row] = await tx.unsafe(`select ${ARTIFACT_COLUMNS} from public.model_artifacts where id = $1 for update`, [id]);
  if (!row) throw new HttpError(404, 'not_found', 'id: no such model');
  return row;
}

/**
 * Makes `target` its class's active model. The one-active-per-class index
 * means the current one steps down first; both happen in this transaction.
 */
async function switchTo(tx: Tx, target: Record<string, unknown>, why: string, previousStatus: 'inactive' | 'rejected' = 'inactive') {
  if (target.status === 'rejected') throw new HttpError(409, 'conflict', 'a rejected model cannot be activated; upload a new version');
  const stepped = await tx`
    update public.model_artifacts set status = ${previousStatus}
    where class_id = ${target.class_id as string} and status = 'active' and id <> ${target.id as string}
    returning id`;
  const [active] = await tx.unsafe(`update public.model_artifacts set status = 'active' where id = $1 returning ${ARTIFACT_COLUMNS}`, [target.id as string]);
  if (!active) throw new HttpError(403, 'forbidden', 'not allowed');
  await recordAudit(tx, {
    schoolId: target.school_id as string,
    action: 'model.activated',
    entity: 'model_artifacts',
    entityId: target.id as string,
    details: { classId: target.class_id, version: target.version, replaced: stepped.map((r) => r.id), why },
  });
  return active;
}

async function activate(tx: Tx, id: string): Promise<Outcome> {
  const target = await visibleArtifact(tx, id);
  if (target.status === 'active') return { status: 200, payload: { artifact: target } };
  return { status: 200, payload: { artifact: await switchTo(tx, target, 'activated') } };
}

async function rollback(tx: Tx, classId: string, reason: string | undefined): Promise<Outcome> {
  const [current] = await tx.unsafe(
    `select ${ARTIFACT_COLUMNS} from public.model_artifacts where class_id = $1 and status = 'active' for update`,
    [classId],
  );
  if (!current) throw new HttpError(409, 'conflict', 'classId: the class has no active model to roll back');
  const [previous] = await tx.unsafe(
    `select ${ARTIFACT_COLUMNS} from public.model_artifacts
     where class_id = $1 and status = 'inactive'
       and (created_at, id) < (select c.created_at, c.id from public.model_artifacts c where c.id = $2)
     order by created_at desc, id desc limit 1 for update`,
    [classId, current.id],
  );
  if (!previous) throw new HttpError(409, 'conflict', 'classId: no earlier model to roll back to');
  const active = await switchTo(tx, previous, `rolled back: ${reason ?? 'no reason given'}`, 'rejected');
  const [rejected] = await tx.unsafe(`select ${ARTIFACT_COLUMNS} from public.model_artifacts where id = $1`, [current.id]);
  return { status: 200, payload: { artifact: active, rejected } };
}
