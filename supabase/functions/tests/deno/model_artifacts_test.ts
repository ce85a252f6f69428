/**
 * model-artifacts against the running local stack: upload, list, download,
 * activate and roll back as the caller, under row-level security.
 */
import assert from 'node:assert/strict';
import { encodeBase64 } from '../../model-artifacts/logic.ts';
import { classifierFile, DESCRIPTOR, sha256Hex } from './classifierFile.ts';
import { callFunction, CLASSES, MODEL_ARTIFACTS, type Reply, SCHOOLS, tokenFor, USERS, withDb } from './stackClient.ts';

type Artifact = { id: string; class_id: string; version: string; status: string; checksum: string; size_bytes: number; metrics: Record<string, unknown> };
type Body = { artifact?: Artifact; artifacts?: Artifact[]; rejected?: Artifact; bytes?: string; error?: string; message?: string; syncFaceTemplates?: boolean };

const call = (token: string, body: unknown): Promise<Reply<Body>> => callFunction<Body>('model-artifacts', token, body);

async function uploadBody(classId: string, extra: Record<string, unknown> = {}) {
  const bytes = await classifierFile({ classes: ['a', 'b'] });
  return {
    bytes,
    body: {
      action: 'upload',
      classId,
      version: `test-${crypto.randomUUID().slice(0, 8)}`,
      descriptorVersion: DESCRIPTOR,
      checksum: await sha256Hex(bytes),
      sizeBytes: bytes.length,
      bytes: encodeBase64(bytes),
      metrics: { accuracy: 0.97, far: 0.01 },
      ...extra,
    },
  };
}

async function statuses(classId: string): Promise<Record<string, string>> {
  const rows = await withDb((sql) => sql`select id, status::text from public.model_artifacts where class_id = ${classId}`);
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

Deno.test('a teacher uploads a version, lists it and downloads the same bytes', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const { bytes, body } = await uploadBody(CLASSES['7B']);
  const up = await call(token, body);
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const artifact = up.body.artifact!;
  assert.deepEqual(
    { version: artifact.version, status: artifact.status, size: artifact.size_bytes, checksum: artifact.checksum, metrics: artifact.metrics },
    { version: body.version, status: 'inactive', size: bytes.length, checksum: body.checksum, metrics: { accuracy: 0.97, far: 0.01 } },
  );

  const listed = await call(token, { action: 'list', classId: CLASSES['7B'] });
  assert.equal(listed.status, 200);
  assert.equal(listed.body.artifacts![0].id, artifact.id, 'newest first');
  assert.ok(listed.body.artifacts!.every((a) => !('bytes' in a)), 'lists carry no bytes');

  const down = await call(token, { action: 'download', id: artifact.id });
  assert.equal(down.status, 200);
  assert.equal(down.body.bytes, body.bytes);

  const again = await call(token, body);
  assert.equal(again.status, 409);
  assert.equal(again.body.message, 'version: already uploaded for this class');
});

Deno.test('activate on upload, roll back to the version before, activate again', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const first = await call(token, (await uploadBody(CLASSES['7B'])).body);
  assert.equal(first.status, 201);
  const second = await call(token, (await uploadBody(CLASSES['7B'], { activate: true })).body);
  assert.equal(second.status, 201);
  assert.equal(second.body.artifact!.status, 'active');
  let now = await statuses(CLASSES['7B']);
  assert.equal(Object.values(now).filter((s) => s === 'active').length, 1);
  assert.equal(now[second.body.artifact!.id], 'active');

  const back = await call(token, { action: 'rollback', classId: CLASSES['7B'], reason: 'misses two students' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.artifact!.id, first.body.artifact!.id);
  assert.equal(back.body.rejected!.id, second.body.artifact!.id);
  now = await statuses(CLASSES['7B']);
  assert.equal(now[first.body.artifact!.id], 'active');
  assert.equal(now[second.body.artifact!.id], 'rejected');

  const rejected = await call(token, { action: 'activate', id: second.body.artifact!.id });
  assert.equal(rejected.status, 409);

  const seed = await call(token, { action: 'activate', id: MODEL_ARTIFACTS['7B'] });
  assert.equal(seed.status, 200);
  now = await statuses(CLASSES['7B']);
  assert.equal(now[MODEL_ARTIFACTS['7B']], 'active');
  assert.equal(now[first.body.artifact!.id], 'inactive');

  const audit = await withDb((sql) =>
    sql`
    select action from public.audit_log where entity = 'model_artifacts' and entity_id in ${sql([first.body.artifact!.id, second.body.artifact!.id])}`
  );
  const actions = audit.map((r) => r.action).sort();
  assert.deepEqual([...new Set(actions)], ['model.activated', 'model.uploaded']);
});

Deno.test("others' classes: not allowed to upload, nothing to list or download", async () => {
  const tomas = await tokenFor(USERS.tomas.id);
  const up = await call(tomas, (await uploadBody(CLASSES['8A'])).body);
  assert.equal(up.status, 403);
  assert.equal(up.body.message, 'not allowed');
  const listed = await call(tomas, { action: 'list', classId: CLASSES['8A'] });
  assert.deepEqual(listed.body.artifacts, []);
  const down = await call(tomas, { action: 'download', id: MODEL_ARTIFACTS['8A'] });
  assert.equal(down.status, 404);
  const switched = await call(tomas, { action: 'activate', id: MODEL_ARTIFACTS['8A'] });
  assert.equal(switched.status, 404);

  const parent = await tokenFor(USERS.pat.id);
  assert.equal((await call(parent, (await uploadBody(CLASSES['7B'])).body)).status, 403);
  assert.deepEqual((await call(parent, { action: 'list', classId: CLASSES['7B'] })).body.artifacts, []);
  assert.equal((await call(parent, { action: 'rollback', classId: CLASSES['7B'] })).status, 409);
});

Deno.test('an upload whose checksum or descriptor is wrong is a 400 and stores nothing', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const { body } = await uploadBody(CLASSES['7B']);
  const wrongSum = await call(token, { ...body, checksum: 'f'.repeat(64) });
  assert.equal(wrongSum.status, 400);
  assert.match(wrongSum.body.message!, /^checksum: /);
  const wrongDescriptor = await call(token, { ...body, descriptorVersion: 'other/v2' });
  assert.equal(wrongDescriptor.status, 400);
  assert.match(wrongDescriptor.body.message!, /^descriptorVersion: /);
  const stored = await withDb((sql) => sql`select 1 from public.model_artifacts where version = ${body.version}`);
  assert.equal(stored.length, 0);
});

Deno.test("another school's class is not listed, and whether that school shares face templates is not told", async () => {
  const nadia = await tokenFor(USERS.nadia.id);
  const listed = await call(nadia, { action: 'list', classId: CLASSES['7B'] });
  assert.equal(listed.status, 404, JSON.stringify(listed.body));
  assert.equal(listed.body.syncFaceTemplates, undefined);
  // Nor through the helper itself.
  const [told] = await withDb((sql) =>
    sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: USERS.nadia.id, role: 'authenticated' })}, true)`;
      await tx`set local role authenticated`;
      return await tx`select public.school_shares_face_templates(${SCHOOLS.demo}) as shares`;
    })
  );
  assert.equal(told.shares, false);
});

Deno.test('a school that does not share face templates stores no models; turning sharing off deletes them', async () => {
  const nadia = await tokenFor(USERS.nadia.id);
  const listed = await call(nadia, { action: 'list', classId: CLASSES['9C'] });
  assert.equal(listed.body.syncFaceTemplates, true);
  assert.ok(listed.body.artifacts!.length > 0);

  await withDb((sql) => sql`update public.schools set sync_face_templates = false where id = ${SCHOOLS.northside}`);
  try {
    const after = await call(nadia, { action: 'list', classId: CLASSES['9C'] });
    assert.deepEqual([after.body.syncFaceTemplates, after.body.artifacts], [false, []]);
    const [left] = await withDb((sql) => sql`select count(*)::int as n from public.model_artifacts where school_id = ${SCHOOLS.northside}`);
    assert.equal(left.n, 0);
    const [audit] = await withDb((sql) =>
      sql`select details from public.audit_log where action = 'privacy.templates_unshared' and school_id = ${SCHOOLS.northside}`
    );
    assert.ok(audit.details.modelsDeleted >= 1);

    const refused = await call(nadia, (await uploadBody(CLASSES['9C'])).body);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'templates_not_shared');
  } finally {
    await withDb((sql) => sql`update public.schools set sync_face_templates = true where id = ${SCHOOLS.northside}`);
  }
  const up = await call(nadia, (await uploadBody(CLASSES['9C'])).body);
  assert.equal(up.status, 201, JSON.stringify(up.body));
});
