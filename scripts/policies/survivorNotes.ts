/**
 * Mutations that survive because another layer already enforces what the
 * dropped predicate says, keyed "<table>: <policy>: <mutation label>".
 * Each says which layer; the policy's newest migration says so too.
 */
export const SURVIVOR_NOTES: Record<string, string> = {};
