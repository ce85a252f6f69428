/**
 * What the sign-in form says about the captcha check ([auth.captcha]). Kept
 * apart from CaptchaCheck.vue so the page can word a refusal without loading
 * any of the check's code in a build that has none.
 */
export const CHECK_UNREACHABLE = 'Sign-in needs the check to load; connect to the internet and try again.';
export const CHECK_UNKNOWN = "This copy of Rollcall names a check Supabase Auth does not offer (VITE_CAPTCHA_PROVIDER). Tell the school's administrator.";
export const CHECK_NOT_DONE = 'Do the check above first, then try again.';
const CHECK_MISSING = 'The server turned the sign-in down without the check. Once the check shows above, do it, then try again.';

/** Supabase Auth's refusal ("captcha protection: request disallowed (…)") in plain words; any other message as it is. */
export function checkRefusalWords(message: string, sentToken: boolean): string {
  if (!/^captcha protection/i.test(message) && !/captcha verification/i.test(message)) return message;
  // Without a token the check had not loaded; CaptchaCheck says what to do about that where the check would be.
  return sentToken ? 'The check did not pass this time. Do it again, then try again.' : CHECK_MISSING;
}
