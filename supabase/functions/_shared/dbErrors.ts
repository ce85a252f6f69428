/**
 * Database refusals as HTTP answers, for functions that act as the caller:
 * row-level security and the triggers' checks become 403 / 400 / 404 / 409
 * with the constraint's name; anything else stays a 500.
 */
import { HttpError } from './http.ts';

export function httpErrorFor(err: unknown): HttpError | null {
  const e = (err ?? {}) as { code?: string; constraint_name?: string; message?: string };
  switch (e.code) {
    case '42501':
      return new HttpError(403, 'forbidden', 'not allowed');
    case '23503':
      return new HttpError(404, 'not_found', `no such row in this school (${e.constraint_name ?? 'reference'})`);
    case '23505':
      return new HttpError(409, 'conflict', `already exists (${e.constraint_name ?? 'unique'})`);
    case '23514':
      // A trigger's refusal carries its own words; a check constraint its name.
      return new HttpError(409, 'conflict', e.constraint_name ? `check failed: ${e.constraint_name}` : (e.message ?? 'check failed'));
  }
  return null;
}
