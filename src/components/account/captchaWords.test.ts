import { describe, expect, it } from 'vitest';
import { checkRefusalWords } from './captchaWords';

describe('checkRefusalWords', () => {
  it("words Supabase Auth's captcha refusals plainly, by whether a token went with the request", () => {
    const missing = /turned the sign-in down without the check\. Once the check shows above, do it/;
    expect(checkRefusalWords('captcha protection: request disallowed (no captcha_token found)', false)).toMatch(missing);
    // Older Supabase Auth releases answer a missing token with a 500 in these words.
    expect(checkRefusalWords('captcha verification process failed', false)).toMatch(missing);
    expect(checkRefusalWords('captcha protection: request disallowed (timeout-or-duplicate)', true)).toMatch(/did not pass.*Do it again/);
  });

  it('leaves every other message as the store wrote it', () => {
    expect(checkRefusalWords('That e-mail and password do not match an account.', true)).toBe('That e-mail and password do not match an account.');
  });
});
