/**
 * A class's model between two teachers' devices through the real local
 * stack (PGlite + the model-artifacts function under Deno): trained on
 * one, taken by the other, a server rollback honoured, and nothing sent
 * when the school keeps face templates on each device.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import pg from 'pg';
import { createRollcallClient } from '@/api/supabase';
import { RollcallDb } from '@/db/db';
import { activeModelVersion, saveModelVersion, type ModelVersionRow } from '@/db/modelVersions';
import { CURRENT_DESCRIPTOR, serializeClassifier, trainClassifier } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import { CLASSES, SCHOOLS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { sha256Hex, syncClassModels } from './syncClassModels';
import { NoRealtime } from '@/api/noRealtime';

let stack: Stack;
let artifact: Uint8Array;
const dbs: RollcallDb[] = [];
const newDevice = () => {
  const db = new RollcallDb(`models-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
const teacher = () => createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime });

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

function version(id: string, updatedAt: string, bytes: Uint8Array): ModelVersionRow {
  return {
    id,
    scope: CLASSES['7B'],
    createdAt: updatedAt,
    updatedAt,
    status: 'active',
    statusReason: 'trained here',
    classes: 5,
    samples: 20,
    trainingMs: 120,
    backend: 'wasm',
    accuracy: 0.95,
    precision: 0.94,
    recall: 0.93,
    far: 0.01,
    frr: 0.02,
    descriptorVersion: CURRENT_DESCRIPTOR.version,
    artifact: bytes,
  };
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const people = syntheticPeople({ classes: 5, perClass: 4, seed: 5 });
  artifact = await serializeClassifier(await trainClassifier(people.samples, { id: 'phone-v1', svm: { epochs: 20 } }));
  stack = await startStack({ onLog: () => {} });
}, 120_000);

afterAll(async () => {
  await Promise.all(dbs.map((db) => db.delete()));
  await stack?.stop();
});

describe('syncClassModels against the local stack', () => {
  it('sends a model trained on one phone, which the second phone takes byte for byte; a rollback on the server is honoured', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const id = crypto.randomUUID();
    await saveModelVersion(phone, version(id, new Date().toISOString(), artifact));

    expect(await syncClassModels(phone, teacher(), [CLASSES['7B']])).toEqual([{ classId: CLASSES['7B'], step: 'upload' }]);
    const [onServer] = await sql("select version, status::text, checksum from public.model_artifacts where class_id = $1 and status = 'active'", [CLASSES['7B']]);
    expect(onServer).toEqual({ version: id, status: 'active', checksum: await sha256Hex(artifact) });
    // Already in step: nothing moves.
    expect((await syncClassModels(phone, teacher(), [CLASSES['7B']]))[0]!.step).toBe('none');

    expect((await syncClassModels(tablet, teacher(), [CLASSES['7B']]))[0]!.step).toBe('take');
    const taken = await activeModelVersion(tablet, CLASSES['7B']);
    expect(taken).toMatchObject({ id, status: 'active', accuracy: 0.95, descriptorVersion: CURRENT_DESCRIPTOR.version });
    expect(Buffer.from(taken!.artifact).equals(Buffer.from(artifact))).toBe(true);

    // Another teacher rolls the class back on the server: both phones follow.
    const rolled = await teacher().functions.invoke('model-artifacts', { body: { action: 'rollback', classId: CLASSES['7B'], reason: 'misses two students' } });
    expect(rolled.error).toBeNull();
    const [previous] = await sql("select version from public.model_artifacts where class_id = $1 and status = 'active'", [CLASSES['7B']]);
    expect(previous!.version).not.toBe(id);
    expect((await syncClassModels(phone, teacher(), [CLASSES['7B']]))[0]!.step).toBe('take');
    expect((await activeModelVersion(phone, CLASSES['7B']))!.id).toBe(previous!.version);
    expect((await phone.modelVersions.get(id))!.status).toBe('inactive');
  });

  it('sends nothing when the school keeps face templates on each device', async () => {
    await sql('update public.schools set sync_face_templates = false where id = $1', [SCHOOLS.demo]);
    try {
      const phone = newDevice();
      await saveModelVersion(phone, version(crypto.randomUUID(), new Date().toISOString(), artifact));
      expect(await syncClassModels(phone, teacher(), [CLASSES['7B']])).toEqual([{ classId: CLASSES['7B'], step: 'none' }]);
      expect(await sql('select 1 from public.model_artifacts where school_id = $1', [SCHOOLS.demo])).toHaveLength(0);
    } finally {
      await sql('update public.schools set sync_face_templates = true where id = $1', [SCHOOLS.demo]);
    }
  });
});
