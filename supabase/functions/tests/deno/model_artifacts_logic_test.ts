/** What model-artifacts accepts, without a server. */
import assert from 'node:assert/strict';
import { HttpError } from '../../_shared/http.ts';
import { decodeBase64, encodeBase64, httpErrorFor, inspectUpload, MAX_ARTIFACT_BYTES, RequestSchema, type UploadRequest } from '../../model-artifacts/logic.ts';
import { classifierFile, DESCRIPTOR, sha256Hex } from './classifierFile.ts';

async function uploadOf(bytes: Uint8Array, overrides: Partial<UploadRequest> = {}): Promise<UploadRequest> {
  return {
    action: 'upload',
    classId: '30000000-0000-4000-8000-000000000001',
    version: 'v1',
    descriptorVersion: DESCRIPTOR,
    checksum: await sha256Hex(bytes),
    sizeBytes: bytes.length,
    bytes: encodeBase64(bytes),
    ...overrides,
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return `${err.status} ${err.message}`;
  }
}

Deno.test('a well-formed classifier file is accepted and described', async () => {
  const bytes = await classifierFile({ classes: ['a', 'b', 'c'] });
  assert.deepEqual(await inspectUpload(await uploadOf(bytes), bytes), { formatVersion: 1, descriptorVersion: DESCRIPTOR, dimension: 128, classes: 3 });
});

Deno.test('uploads that do not match their claims, or are not classifiers, are refused with the field named', async () => {
  const good = await classifierFile();
  assert.match(await refusal(inspectUpload(await uploadOf(good, { sizeBytes: good.length + 1 }), good)), /^400 sizeBytes: /);
  assert.match(
    await refusal(inspectUpload(await uploadOf(good, { checksum: '0'.repeat(64) }), good)),
    /^400 checksum: does not match the bytes \(their SHA-256 is [0-9a-f]{64}\)$/,
  );
  assert.match(
    await refusal(inspectUpload(await uploadOf(good, { descriptorVersion: 'other/v9' }), good)),
    /^400 descriptorVersion: the model was trained on /,
  );

  const cases: [Uint8Array, RegExp][] = [
    [await classifierFile({ magic: 'PK\u0003\u0004' }), /^400 bytes: not a Rollcall classifier file$/],
    [await classifierFile({ formatVersion: 2 }), /^400 bytes: classifier format 2 is not one this server knows/],
    [await classifierFile({ breakInnerChecksum: true }), /^400 bytes: the file fails its own checksum$/],
    [new TextEncoder().encode('{"kind":"svm"}'), /^400 bytes: not a Rollcall classifier file$/],
  ];
  for (const [bytes, expected] of cases) assert.match(await refusal(inspectUpload(await uploadOf(bytes), bytes)), expected);
  const truncated = good.subarray(0, good.length - 4);
  assert.match(await refusal(inspectUpload(await uploadOf(truncated), truncated)), /^400 bytes: length does not match the file header$/);
});

Deno.test('the size limit is the table check (8 MiB)', async () => {
  const big = new Uint8Array(MAX_ARTIFACT_BYTES + 1);
  const req = { ...(await uploadOf(new Uint8Array(1))), sizeBytes: MAX_ARTIFACT_BYTES };
  assert.equal(await refusal(inspectUpload(req, big)), `413 bytes: ${MAX_ARTIFACT_BYTES + 1} bytes; the limit is ${MAX_ARTIFACT_BYTES}`);
  assert.equal(RequestSchema.safeParse({ ...req, sizeBytes: MAX_ARTIFACT_BYTES + 1 }).success, false);
});

Deno.test('base64 round-trips, and anything else is a 400', () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
  assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
  assert.throws(() => decodeBase64('not base64!'), (e) => e instanceof HttpError && e.message === 'bytes: not base64');
});

Deno.test('the request names its action; unknown actions and fields are refused', () => {
  assert.equal(RequestSchema.safeParse({ action: 'list', classId: '30000000-0000-4000-8000-000000000001' }).success, true);
  assert.equal(RequestSchema.safeParse({ action: 'delete', id: '30000000-0000-4000-8000-000000000001' }).success, false);
  assert.equal(RequestSchema.safeParse({ action: 'activate', id: '30000000-0000-4000-8000-000000000001', force: true }).success, false);
});

Deno.test('database refusals become HTTP answers', () => {
  assert.equal(httpErrorFor({ code: '42501' })?.status, 403);
  assert.equal(httpErrorFor({ code: '23505', constraint_name: 'model_artifacts_class_id_version_key' })?.message, 'version: already uploaded for this class');
  assert.equal(httpErrorFor({ code: '23505', constraint_name: 'model_artifacts_one_active_per_class_key' })?.status, 409);
  assert.equal(httpErrorFor({ code: '23514', constraint_name: 'model_artifacts_size_limit' })?.message, 'check failed: model_artifacts_size_limit');
  assert.equal(httpErrorFor({ code: '08006' }), null);
});
