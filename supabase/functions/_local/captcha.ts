/**
 * Local only: Supabase Auth's captcha check ([auth.captcha] in config.toml)
 * for the stand-in in auth.ts. GoTrue checks a password sign-in and a
 * one-time-code request before anything else: with no
 * `gotrue_meta_security.captcha_token` it refuses at once, and otherwise it
 * asks the provider (hCaptcha, Turnstile) with the project's secret. Here a
 * fake provider answers, with no network: a token passes once, as a real one
 * does, and a spent one is refused with the providers' `timeout-or-duplicate`.
 * On only while LOCAL_CAPTCHA_SECRET is set (the stack sets it only when asked).
 */

export interface CaptchaVerdict {
  success: boolean;
  errorCodes: string[];
}

/** What GoTrue asks the provider: is this token good, for this secret? */
export type CaptchaVerifier = (token: string, secret: string) => CaptchaVerdict | Promise<CaptchaVerdict>;

/** The fake provider: any token it has not seen before. */
export function singleUseVerifier(): CaptchaVerifier {
  const spent = new Set<string>();
  return (token) => {
    if (spent.has(token)) return { success: false, errorCodes: ['timeout-or-duplicate'] };
    spent.add(token);
    return { success: true, errorCodes: [] };
  };
}

function tokenOf(body: Record<string, unknown>): string {
  const security = body.gotrue_meta_security;
  const token = security && typeof security === 'object' ? (security as Record<string, unknown>).captcha_token : undefined;
  return typeof token === 'string' ? token.trim() : '';
}

/**
 * GoTrue's refusal (sent as 400 `captcha_failed`) for a request that must
 * carry a captcha token, or null when it may go on.
 */
export async function captchaRefusal(
  body: Record<string, unknown>,
  options: { secret: string | undefined; verify: CaptchaVerifier },
): Promise<string | null> {
  if (!options.secret) return null;
  const token = tokenOf(body);
  if (!token) return 'captcha protection: request disallowed (no captcha_token found)';
  const verdict = await options.verify(token, options.secret);
  return verdict.success ? null : `captcha protection: request disallowed (${verdict.errorCodes.join(', ')})`;
}

const fakeProvider = singleUseVerifier();

/** The check as auth.ts runs it: the secret from the environment, the fake provider. */
export function checkCaptcha(body: Record<string, unknown>): Promise<string | null> {
  return captchaRefusal(body, { secret: Deno.env.get('LOCAL_CAPTCHA_SECRET'), verify: fakeProvider });
}
