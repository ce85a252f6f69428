/** The local Auth stand-in's captcha check ([auth.captcha]), without a server. */
import assert from 'node:assert/strict';
import { captchaRefusal, singleUseVerifier } from '../../_local/captcha.ts';

const withToken = (token: unknown) => ({ email: 'tomas@demo.rollcall.example', password: 'x', gotrue_meta_security: { captcha_token: token } });

Deno.test('captcha off (no LOCAL_CAPTCHA_SECRET): every request goes on, with a token or without', async () => {
  const verify = singleUseVerifier();
  assert.equal(await captchaRefusal({ email: 'a@b.example' }, { secret: undefined, verify }), null);
  assert.equal(await captchaRefusal({ email: 'a@b.example' }, { secret: '', verify }), null);
  assert.equal(await captchaRefusal(withToken('t'), { secret: undefined, verify }), null);
});

Deno.test("captcha on: a request with no token is refused in GoTrue's words", async () => {
  const verify = singleUseVerifier();
  const expected = 'captcha protection: request disallowed (no captcha_token found)';
  assert.equal(await captchaRefusal({ email: 'a@b.example' }, { secret: 's', verify }), expected);
  assert.equal(await captchaRefusal(withToken(undefined), { secret: 's', verify }), expected);
  assert.equal(await captchaRefusal(withToken('   '), { secret: 's', verify }), expected);
  assert.equal(await captchaRefusal(withToken(42), { secret: 's', verify }), expected);
  assert.equal(await captchaRefusal({ gotrue_meta_security: 'token' }, { secret: 's', verify }), expected);
});

Deno.test('captcha on: a token the verifier approves goes on; a spent one is refused, as a provider refuses it', async () => {
  const verify = singleUseVerifier();
  assert.equal(await captchaRefusal(withToken('fresh-1'), { secret: 's', verify }), null);
  assert.equal(await captchaRefusal(withToken('fresh-1'), { secret: 's', verify }), 'captcha protection: request disallowed (timeout-or-duplicate)');
  assert.equal(await captchaRefusal(withToken(' fresh-2 '), { secret: 's', verify }), null);
});

Deno.test("captcha on: the verifier's answer is what decides, and it is asked with the trimmed token and the secret", async () => {
  const asked: [string, string][] = [];
  const verify = (token: string, secret: string) => {
    asked.push([token, secret]);
    return token === 'good' ? { success: true, errorCodes: [] } : { success: false, errorCodes: ['invalid-input-response', 'sitekey-secret-mismatch'] };
  };
  assert.equal(await captchaRefusal(withToken(' good '), { secret: 's3', verify }), null);
  assert.equal(
    await captchaRefusal(withToken('bad'), { secret: 's3', verify }),
    'captcha protection: request disallowed (invalid-input-response, sitekey-secret-mismatch)',
  );
  assert.deepEqual(asked, [['good', 's3'], ['bad', 's3']]);
});
