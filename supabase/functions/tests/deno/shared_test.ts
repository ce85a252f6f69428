/** The shared building blocks, without a server. */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { requireUser, verifyToken } from '../../_shared/auth.ts';
import { HttpError, readJson } from '../../_shared/http.ts';
import { maskPhone, redact } from '../../_shared/log.ts';
import { createFixedWindowLimiter } from '../../_shared/rateLimit.ts';
import { formatPath, parseWith } from '../../_shared/validate.ts';

const SECRET = 'a-test-secret-with-at-least-32-characters!!';
const ISSUER = 'https://project.example/auth/v1';
const KEYS = { secret: SECRET, issuer: ISSUER };
const USER = '20000000-0000-4000-8000-000000000002';
/** What Supabase Auth puts in a signed-in user's token, besides the subject. */
const SIGNED_IN = { role: 'authenticated', aud: 'authenticated', iss: ISSUER };

async function sign(claims: Record<string, unknown>, expiresIn: number, secret = SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + expiresIn).sign(
    new TextEncoder().encode(secret),
  );
}

async function status(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return `${err.status} ${err.message}`;
  }
}

Deno.test('tokens: valid, expired, forged, wrong algorithm', async () => {
  const claims = await verifyToken(await sign({ sub: 'u1', role: 'authenticated' }, 60), KEYS);
  assert.equal(claims.sub, 'u1');
  assert.equal(await status(verifyToken(await sign({ sub: 'u1', role: 'authenticated' }, -10), KEYS)), '401 Token expired.');
  assert.equal(await status(verifyToken(await sign({ sub: 'u1', role: 'authenticated' }, 60, 'x'.repeat(40)), KEYS)), '401 Invalid token.');
  const none = `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify({ sub: 'u1', role: 'authenticated', exp: 9999999999 }))}.`;
  assert.equal(await status(verifyToken(none, KEYS)), '401 Invalid token.');
});

Deno.test('tokens from asymmetric signing keys are checked against the JWKS', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const keys = { jwks: { keys: [jwk] } };
  const now = Math.floor(Date.now() / 1000);
  const es = await new SignJWT({ sub: 'u2', role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime(now + 60).sign(
    privateKey,
  );
  assert.equal((await verifyToken(es, keys)).sub, 'u2');
  const other = await generateKeyPair('ES256');
  const forged = await new SignJWT({ sub: 'u2', role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime(now + 60).sign(
    other.privateKey,
  );
  assert.equal(await status(verifyToken(forged, keys)), '401 Invalid token.');
  // An HS256 token means nothing to a project that only has signing keys.
  assert.equal(await status(verifyToken(await sign({ sub: 'u1', role: 'authenticated' }, 60), keys)), '401 Invalid token.');
});

Deno.test('requireUser wants a bearer token of a signed-in user', async () => {
  const req = (auth?: string) => new Request('http://x/', { headers: auth ? { Authorization: auth } : {} });
  assert.equal(await status(requireUser(req(), KEYS)), '401 Missing bearer token.');
  assert.equal(await status(requireUser(req('Basic abc'), KEYS)), '401 Missing bearer token.');
  assert.equal(await status(requireUser(req(`Bearer ${await sign({ role: 'anon' }, 60)}`), KEYS)), '401 A signed-in user is required.');
  assert.equal(await status(requireUser(req(`Bearer ${await sign({ role: 'service_role' }, 60)}`), KEYS)), '401 A signed-in user is required.');
  assert.equal(await status(requireUser(req(`Bearer ${await sign({ ...SIGNED_IN, sub: USER }, 60)}`), KEYS)), 'ok');
});

Deno.test("requireUser refuses a user token made for another project, or for no one, signed with the same secret", async () => {
  const req = async (claims: Record<string, unknown>) => new Request('http://x/', { headers: { Authorization: `Bearer ${await sign(claims, 60)}` } });
  const refused = '401 Invalid token.';
  assert.equal(await status(requireUser(await req({ ...SIGNED_IN, sub: USER, iss: 'https://other.example/auth/v1' }), KEYS)), refused);
  assert.equal(await status(requireUser(await req({ role: 'authenticated', aud: 'authenticated', sub: USER }), KEYS)), refused);
  assert.equal(await status(requireUser(await req({ ...SIGNED_IN, sub: USER, aud: 'other' }), KEYS)), refused);
  assert.equal(await status(requireUser(await req({ role: 'authenticated', iss: ISSUER, sub: USER }), KEYS)), refused);
  // A subject that is not a user id is a bad token (401), not a database error (500).
  assert.equal(await status(requireUser(await req({ ...SIGNED_IN, sub: 'not-a-uuid' }), KEYS)), refused);
  assert.equal(await status(requireUser(await req({ ...SIGNED_IN, sub: USER, aud: ['authenticated', 'x'] }), KEYS)), 'ok');
  // With no issuer configured, no user token can be trusted: fail closed.
  assert.equal(await status(requireUser(await req({ ...SIGNED_IN, sub: USER }), { secret: SECRET })), '500 The functions do not know their project: set SUPABASE_URL or JWT_ISSUER.');
});

Deno.test('phone numbers are masked and secrets dropped from logs', () => {
  assert.equal(maskPhone('+919812344567'), '+91******4567');
  assert.equal(maskPhone('+447700900101'), '+44******0101');
  assert.deepEqual(
    redact({ to: '+919812344567', body: 'Call +91 98123 44567 now', authorization: 'Bearer abc', nested: { apiKey: 'k', count: 2 } }),
    { to: '+91******4567', body: 'Call +91******4567 now', authorization: '[redacted]', nested: { apiKey: '[redacted]', count: 2 } },
  );
  assert.equal(redact('at 2026-11-23T08:30:00+05:30'), 'at 2026-11-23T08:30:00+05:30');
});

Deno.test('the fixed window allows `limit` calls per key per window', () => {
  const limiter = createFixedWindowLimiter({ limit: 3, windowMs: 60_000 });
  const t0 = 1_000_000;
  assert.deepEqual([1, 2, 3].map((i) => limiter.check('a', t0 + i).allowed), [true, true, true]);
  const refused = limiter.check('a', t0 + 10_000);
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterSeconds, 51);
  assert.equal(limiter.check('b', t0 + 10_000).allowed, true);
  assert.equal(limiter.check('a', t0 + 60_001).allowed, true);
});

Deno.test('validation errors name the field', () => {
  assert.equal(formatPath(['push', 2, 'row', 'id']), 'push[2].row.id');
  assert.equal(formatPath([]), 'body');
  const schema = z.object({ push: z.array(z.object({ clientId: z.guid() })) });
  assert.equal(parseWith(schema, { push: [{ clientId: '0f8fad5b-d9cb-469f-a165-70867728950e' }] }).push.length, 1);
  try {
    parseWith(schema, { push: [{ clientId: 'x' }] });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 400);
    assert.match(err.message, /^push\[0\]\.clientId: /);
  }
});

Deno.test('a body with a NUL character anywhere is a 400, not a database error', async () => {
  const body = (text: string) => readJson(new Request('http://x/', { method: 'POST', body: text }));
  assert.equal(await status(body('{"action":"erase","studentId":"a\\u0000b"}')), '400 body: text may not contain NUL characters');
  assert.equal(await status(body('{"push":[{"row":{"full_name":"Ana\\u0000"}}]}')), '400 body: text may not contain NUL characters');
  assert.equal(await status(body('{"a\\u0000":1}')), '400 body: text may not contain NUL characters');
  assert.equal(await status(body('{"name":"Ana \\u00e9","n":[1,null,true]}')), 'ok');
});
