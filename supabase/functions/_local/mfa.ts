/**
 * Local only: Supabase Auth's TOTP second factor, as supabase-js's
 * `auth.mfa` calls it — enrol (`POST /factors`, with the QR code GoTrue
 * draws), challenge, verify (which turns the session into an aal2 one) and
 * unenrol. Factors live in `auth.mfa_factors` as GoTrue keeps them; a
 * challenge lives five minutes in memory, and a code is good once.
 */
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import { asService } from '../_shared/db.ts';
import { authError, type AuthMethod, bearer, factorsOf, issueSession, json } from './authSession.ts';

const CHALLENGE_MS = 5 * 60_000;
const challenges = new Map<string, { factorId: string; userId: string; expires: number }>();
/** The newest 30-second step each factor accepted: a code is not good twice. */
const lastStep = new Map<string, number>();

function totpFor(secret: string, label = ''): TOTP {
  return new TOTP({ issuer: 'Rollcall', label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

async function body(req: Request): Promise<Record<string, string>> {
  return await req.json().catch(() => ({})) as Record<string, string>;
}

export async function mfaHandler(req: Request, path: string): Promise<Response> {
  const caller = await bearer(req);
  if (!caller) return authError(401, 'no_authorization', 'This endpoint requires a Bearer token');
  const { user, claims } = caller;
  const [, , factorId, verb] = path.split('/');

  if (!factorId && req.method === 'POST') {
    const { factor_type: type, friendly_name: friendlyName, issuer } = await body(req);
    if (type !== 'totp') return authError(422, 'mfa_factor_type_not_supported', 'Only TOTP factors can be enrolled here.');
    const factors = await factorsOf(user.id);
    if (friendlyName && factors.some((f) => f.friendly_name === friendlyName)) {
      return authError(422, 'mfa_factor_name_conflict', `A factor with the friendly name "${friendlyName}" for this user already exists`);
    }
    const secret = new Secret({ size: 20 }).base32;
    const totp = totpFor(secret, user.email ?? user.phone ?? user.id);
    if (issuer) totp.issuer = issuer;
    const uri = totp.toString();
    const [row] = await asService((tx) =>
      tx`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, secret, created_at, updated_at)
         values (${crypto.randomUUID()}, ${user.id}, ${friendlyName ?? null}, 'totp', 'unverified', ${secret}, now(), now())
         returning id`
    );
    return json({ id: row.id, type: 'totp', friendly_name: friendlyName ?? '', totp: { qr_code: renderSVG(uri), secret, uri } });
  }

  const factor = (await factorsOf(user.id)).find((f) => f.id === factorId);
  if (!factor) return authError(404, 'mfa_factor_not_found', 'Factor not found');

  if (verb === 'challenge' && req.method === 'POST') {
    const id = crypto.randomUUID();
    const expires = Date.now() + CHALLENGE_MS;
    challenges.set(id, { factorId: factor.id, userId: user.id, expires });
    return json({ id, type: 'totp', expires_at: Math.floor(expires / 1000) });
  }

  if (verb === 'verify' && req.method === 'POST') {
    const { challenge_id: challengeId, code } = await body(req);
    const challenge = challengeId ? challenges.get(challengeId) : undefined;
    if (!challenge || challenge.factorId !== factor.id || challenge.userId !== user.id) {
      return authError(422, 'mfa_challenge_expired', 'MFA challenge not found or already used');
    }
    if (challenge.expires < Date.now()) {
      challenges.delete(challengeId);
      return authError(422, 'mfa_challenge_expired', 'MFA challenge has expired, verify against another challenge or create a new factor.');
    }
    const delta = totpFor(factor.secret).validate({ token: String(code ?? '').trim(), window: 1 });
    const step = delta === null ? null : TOTP.counter() + delta;
    if (step === null || step <= (lastStep.get(factor.id) ?? -1)) {
      return authError(422, 'mfa_verification_failed', 'Invalid TOTP code entered');
    }
    lastStep.set(factor.id, step);
    challenges.delete(challengeId);
    if (factor.status !== 'verified') {
      await asService((tx) => tx`update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factor.id}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const earlier = Array.isArray(claims.amr) ? (claims.amr as AuthMethod[]).filter((m) => m.method !== 'totp') : [];
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : undefined;
    return json(await issueSession(user, 'totp', { sessionId, aal: 'aal2', amr: [{ method: 'totp', timestamp: now }, ...earlier] }));
  }

  if (!verb && req.method === 'DELETE') {
    // GoTrue asks for the second factor before it lets a verified one go.
    if (factor.status === 'verified' && claims.aal !== 'aal2') {
      return authError(422, 'insufficient_aal', 'AAL2 required to unenroll verified factor');
    }
    await asService((tx) => tx`delete from auth.mfa_factors where id = ${factor.id}`);
    return json({ id: factor.id });
  }

  return authError(404, 'not_found', `The local auth stand-in does not serve ${req.method} ${path}.`);
}
