/**
 * Per-key fixed-window rate limiting in memory. Each function instance
 * counts on its own, which is enough to stop one runaway client; a shared
 * limit would need a store (a table or Redis) and is not worth it here.
 */
import { HttpError } from './http.ts';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  check(key: string, now?: number): RateDecision;
}

export function createFixedWindowLimiter(options: { limit: number; windowMs: number }): RateLimiter {
  const { limit, windowMs } = options;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;

  function sweep(now: number) {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, w] of windows) if (now - w.start >= windowMs) windows.delete(key);
  }

  return {
    check(key, now = Date.now()) {
      sweep(now);
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limit) {
        return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
      }
      w.count += 1;
      return { allowed: true, remaining: limit - w.count, retryAfterSeconds: 0 };
    },
  };
}

/** Throws a 429 with Retry-After when `key` is over its limit. */
export function enforceRateLimit(limiter: RateLimiter, key: string): void {
  const decision = limiter.check(key);
  if (!decision.allowed) {
    throw new HttpError(429, 'rate_limited', `Too many requests; retry in ${decision.retryAfterSeconds} s.`, {
      'Retry-After': String(decision.retryAfterSeconds),
    });
  }
}
