/**
 * Local only: the part of Supabase Auth (GoTrue) the app's supabase-js
 * calls, so `npm run backend` signs people in with the same code as a real
 * project. GoTrue itself can't run here. Covered: password sign-in
 * (`/token?grant_type=password`), refresh-token rotation, one-time codes by
 * SMS (sent through the Twilio settings the functions use, so they land in
 * the local Twilio recorder) and by e-mail (printed to the log, where a local
 * Supabase stack would show its mail catcher), `/verify`, `/user` and
 * `/logout`, and TOTP second factors (`/factors`, in mfa.ts). Access tokens
 * carry the claims GoTrue builds, passed through the
 * project's own custom access token hook. Refresh tokens and codes live in
 * memory: restarting the backend signs everyone out.
 */
import { authError, bearer, checkPassword, findUser, issueSession, json, noContent, preflight, refreshTokens, userReply } from './authSession.ts';
import { mfaHandler } from './mfa.ts';
import { checkCaptcha } from './captcha.ts';

const codes = new Map<string, { code: string; expires: number }>();

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

export async function authHandler(req: Request, path: string): Promise<Response> {
  if (req.method === 'OPTIONS') return preflight();
  if (path.startsWith('/factors')) return mfaHandler(req, path);
  const url = new URL(req.url);
  const body = req.method === 'POST' ? await req.json().catch(() => ({})) as Record<string, string> : {};

  if (path === '/token' && url.searchParams.get('grant_type') === 'password') {
    const captcha = await checkCaptcha(body);
    if (captcha) return authError(400, 'captcha_failed', captcha);
    if (!body.email || !body.password) return authError(400, 'validation_failed', 'An e-mail address and a password are required.');
    const user = await checkPassword(body.email, body.password);
    if (!user) await (await import('./signInFailures.ts')).recordSignInFailure(req, body.email);
    if (!user) return authError(400, 'invalid_credentials', 'Invalid login credentials');
    return json(await issueSession(user, 'password'));
  }
  if (path === '/token' && url.searchParams.get('grant_type') === 'refresh_token') {
    const held = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
    if (!held) return authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    refreshTokens.delete(body.refresh_token);
    const user = await findUser('id', held.userId);
    if (!user) return authError(400, 'user_not_found', 'User not found');
    // A refresh keeps the session's assurance level and the methods that earned it.
    return json(await issueSession(user, 'token', held));
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
    const caller = await bearer(req);
    return caller ? userReply(caller.user) : authError(401, 'bad_jwt', 'invalid JWT');
  }
  if (path === '/logout') {
    const caller = await bearer(req);
    if (caller) { for (const [token, held] of refreshTokens) if (held.userId === caller.user.id) refreshTokens.delete(token); }
    return noContent();
  }
  return authError(404, 'not_found', `The local auth stand-in does not serve ${req.method} ${path}.`);
}
