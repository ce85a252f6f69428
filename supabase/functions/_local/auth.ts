/**
 * Local only: the part of Supabase Auth (GoTrue) the app's supabase-js
 * calls, so `npm run backend` signs people in with the same code as a real
 * project. GoTrue itself can't run here. Covered: password sign-in
 * (`/token?grant_type=password`), refresh-token rotation, one-time codes by
 * SMS (sent through the Twilio settings the functions use, so they land in
 * the local Twilio recorder) and by e-mail (printed to the log, where a local
 * Supabase stack would show its mail catcher), `/verify`, `/user` and
 * `/logout`. Access tokens carry the claims GoTrue builds, passed through the
 * project's own custom access token hook. Refresh tokens and codes live in
 * memory: restarting the backend signs everyone out.
 */
import { SignJWT } from 'jose';
import type postgres from 'postgres';
import { asService } from '../_shared/db.ts';
import { corsHeaders } from '../_shared/cors.ts';
import { checkCaptcha } from './captcha.ts';

const encoder = new TextEncoder();
const refreshTokens = new Map<string, { userId: string; sessionId: string }>();
const codes = new Map<string, { code: string; expires: number }>();

interface AuthUser {
  id: string;
  email: string | null;
  phone: string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  email_confirmed_at: string | null;
  created_at: string;
  updated_at: string;
}

const headers = {
  ...corsHeaders,
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-supabase-api-version',
  'Content-Type': 'application/json',
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers });
}

/** GoTrue's error shape, which supabase-js turns into AuthApiError. */
function authError(status: number, code: string, message: string): Response {
  return json({ code: status, error_code: code, msg: message, error: code, error_description: message }, status);
}

function expirySeconds(): number {
  return Number(Deno.env.get('LOCAL_AUTH_JWT_EXPIRY') ?? 3600);
}

function userJson(u: AuthUser) {
  return {
    id: u.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: u.email ?? '',
    phone: u.phone ?? '',
    email_confirmed_at: u.email_confirmed_at,
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: [],
    created_at: u.created_at,
    updated_at: u.updated_at,
  };
}

const USER_COLUMNS = 'id, email, phone, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, created_at, updated_at';

async function findUser(where: 'id' | 'email' | 'phone', value: string): Promise<AuthUser | null> {
  const rows = await asService((tx) => tx.unsafe(`select ${USER_COLUMNS} from auth.users where ${where} = $1`, [value]));
  return (rows[0] as unknown as AuthUser) ?? null;
}

async function checkPassword(email: string, password: string): Promise<AuthUser | null> {
  const rows = await asService((tx) =>
    tx.unsafe(
      `select ${USER_COLUMNS} from auth.users
        where lower(email) = lower($1) and encrypted_password is not null
          and encrypted_password = extensions.crypt($2, encrypted_password)`,
      [email, password],
    )
  );
  return (rows[0] as unknown as AuthUser) ?? null;
}

/** Claims as GoTrue builds them, then the project's custom access token hook, as GoTrue calls it. */
async function issueSession(user: AuthUser, method: string, sessionId: string = crypto.randomUUID()) {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + expirySeconds();
  const claims = {
    aud: 'authenticated',
    exp,
    iat: now,
    iss: Deno.env.get('JWT_ISSUER') ?? 'http://127.0.0.1/auth/v1',
    sub: user.id,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method, timestamp: now }],
    session_id: sessionId,
    is_anonymous: false,
  };
  const [row] = await asService((tx) =>
    tx`select public.custom_access_token_hook(${tx.json({ user_id: user.id, claims, authentication_method: method } as postgres.JSONValue)}) as result`
  );
  const hooked = (row.result as { claims?: Record<string, unknown> }).claims ?? claims;
  const secret = Deno.env.get('SUPABASE_JWT_SECRET') ?? Deno.env.get('JWT_SECRET');
  if (!secret) throw new Error('SUPABASE_JWT_SECRET is not set');
  const accessToken = await new SignJWT(hooked).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(encoder.encode(secret));
  const refreshToken = crypto.randomUUID().replaceAll('-', '');
  refreshTokens.set(refreshToken, { userId: user.id, sessionId });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expirySeconds(),
    expires_at: exp,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

async function sendSmsCode(phone: string, code: string): Promise<void> {
  const sid = Deno.env.get('TWILIO_ACCOUNT_SID');
  const token = Deno.env.get('TWILIO_AUTH_TOKEN');
  const base = Deno.env.get('TWILIO_API_BASE');
  if (!sid || !token || !base) {
    console.log(JSON.stringify({ localAuth: 'sms-code', phone, code }));
    return;
  }
  const body = new URLSearchParams({ To: phone, From: Deno.env.get('TWILIO_FROM') ?? '+15005550006', Body: `Your Rollcall code is ${code}` });
  const res = await fetch(`${base.replace(/\/$/, '')}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST',
    headers: { Authorization: `Basic ${btoa(`${sid}:${token}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  await res.body?.cancel();
}

async function bearerUser(req: Request): Promise<AuthUser | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('Authorization') ?? '');
  if (!match) return null;
  const { verifyToken } = await import('../_shared/auth.ts');
  try {
    const claims = await verifyToken(match[1]);
    return claims.role === 'authenticated' ? await findUser('id', claims.sub) : null;
  } catch {
    return null;
  }
}

export async function authHandler(req: Request, path: string): Promise<Response> {
  if (req.method === 'OPTIONS') return new Response('ok', { headers });
  const url = new URL(req.url);
  const body = req.method === 'POST' ? await req.json().catch(() => ({})) as Record<string, string> : {};

  if (path === '/token' && url.searchParams.get('grant_type') === 'password') {
    const captcha = await checkCaptcha(body);
    if (captcha) return authError(400, 'captcha_failed', captcha);
    if (!body.email || !body.password) return authError(400, 'validation_failed', 'An e-mail address and a password are required.');
    const user = await checkPassword(body.email, body.password);
    if (!user) return authError(400, 'invalid_credentials', 'Invalid login credentials');
    return json(await issueSession(user, 'password'));
  }
  if (path === '/token' && url.searchParams.get('grant_type') === 'refresh_token') {
    const held = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
    if (!held) return authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    refreshTokens.delete(body.refresh_token);
    const user = await findUser('id', held.userId);
    if (!user) return authError(400, 'user_not_found', 'User not found');
    return json(await issueSession(user, 'token', held.sessionId));
  }
  if (path === '/otp') {
    const captcha = await checkCaptcha(body);
    if (captcha) return authError(400, 'captcha_failed', captcha);
    const key = body.phone ? `phone:${body.phone}` : body.email ? `email:${body.email.toLowerCase()}` : null;
    if (!key) return authError(400, 'validation_failed', 'A phone number or an e-mail address is required.');
    const user = body.phone ? await findUser('phone', body.phone.replace(/^\+/, '')) : await findUser('email', body.email.toLowerCase());
    // Supabase Auth can create the account here; a school's accounts come from invitations, so this stack never does.
    if (!user) return authError(422, 'otp_disabled', 'Signups not allowed for otp');
    const code = String(100000 + (crypto.getRandomValues(new Uint32Array(1))[0] % 900000));
    codes.set(key, { code, expires: Date.now() + 5 * 60_000 });
    if (body.phone) await sendSmsCode(body.phone, code);
    else console.log(JSON.stringify({ localAuth: 'email-code', email: body.email, code }));
    return json({});
  }
  if (path === '/verify') {
    const key = body.phone ? `phone:${body.phone}` : body.email ? `email:${body.email.toLowerCase()}` : null;
    const held = key ? codes.get(key) : undefined;
    if (!key || !held || held.expires < Date.now() || held.code !== body.token) {
      return authError(403, 'otp_expired', 'Token has expired or is invalid');
    }
    codes.delete(key);
    const user = body.phone ? await findUser('phone', body.phone.replace(/^\+/, '')) : await findUser('email', body.email.toLowerCase());
    if (!user) return authError(400, 'user_not_found', 'User not found');
    return json(await issueSession(user, 'otp'));
  }
  if (path === '/user' && req.method === 'GET') {
    const user = await bearerUser(req);
    return user ? json(userJson(user)) : authError(401, 'bad_jwt', 'invalid JWT');
  }
  if (path === '/logout') {
    const user = await bearerUser(req);
    if (user) { for (const [token, held] of refreshTokens) if (held.userId === user.id) refreshTokens.delete(token); }
    return new Response(null, { status: 204, headers });
  }
  return authError(404, 'not_found', `The local auth stand-in does not serve ${req.method} ${path}.`);
}
