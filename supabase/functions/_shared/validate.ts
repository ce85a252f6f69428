/**
 * Body validation with zod. The first problems are reported with their path
 * (`push[2].clientId: Invalid UUID`) so the client can tell which field to fix.
 */
import type { z } from 'zod';
import { HttpError } from './http.ts';

/** `push[2].row.id` from zod's path segments. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'body' : out;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  return issues
    .slice(0, max)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    .join('; ');
}

/** The parsed value, or a 400 naming the offending fields. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'bad_request', describeIssues(result.error.issues));
  return result.data;
}
