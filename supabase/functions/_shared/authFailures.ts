/**
 * Requests refused with a 401, counted for the admins' monitoring
 * (public.admin_metrics). A refused token names no school, so the rows are
 * project-wide and hold only the function and the reason: never the token,
 * the caller's address or a user id.
 *
 * Recording must never change the answer: a failed or slow insert is
 * logged and the 401 goes out as it would have. Nothing limits how fast
 * bad tokens arrive (the rate limit keys on a verified user), so each
 * instance records at most RECORD_LIMIT_PER_MINUTE of them; under a flood
 * the count is a lower bound.
 */
import { asService } from './db.ts';
import { log } from './log.ts';
import { createFixedWindowLimiter } from './rateLimit.ts';

const RECORD_LIMIT_PER_MINUTE = 600;
const RECORD_TIMEOUT_MS = 2_000;

const recorder = createFixedWindowLimiter({ limit: RECORD_LIMIT_PER_MINUTE, windowMs: 60_000 });

export async function recordAuthFailure(functionName: string, reason: string): Promise<void> {
  if (!recorder.check('auth-failures').allowed) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const insert = asService(async (tx) => {
      await tx`insert into private.auth_failures (function_name, reason) values (${functionName}, ${reason.slice(0, 200)})`;
    });
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn('auth failure not recorded in time', { fn: functionName });
        resolve();
      }, RECORD_TIMEOUT_MS);
    });
    // The insert goes on after a timeout; its own failure is still caught.
    await Promise.race([insert.catch((error) => log.error('auth failure not recorded', { fn: functionName, error })), timeout]);
  } catch (error) {
    log.error('auth failure not recorded', { fn: functionName, error });
  } finally {
    clearTimeout(timer);
  }
}
