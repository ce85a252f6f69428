/**
 * The mutations of one row-level security policy, from the expressions
 * pg_policies gives (Postgres's own deparse: every operand of AND/OR is in
 * parentheses unless it is a plain function call or column).
 *
 * Each mutation weakens one thing: USING → true, WITH CHECK → true, or one
 * ownership/scope conjunct of the top-level AND → true. A mutation that
 * leaves the text as it was (a policy that already says `true`) is no
 * mutation at all and is not made.
 */

export interface Policy {
  schema: string;
  table: string;
  name: string;
  cmd: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'ALL';
  roles: string[];
  qual: string | null;
  withCheck: string | null;
}

export interface Mutation {
  policy: Policy;
  /** e.g. "USING → true", "WITH CHECK: drop (taken_by = ( SELECT auth.uid() AS uid))". */
  label: string;
  qual: string | null;
  withCheck: string | null;
}

/** Removes parentheses that enclose the whole expression, as often as they do. */
export function unwrap(expr: string): string {
  let text = expr.trim();
  while (text.startsWith('(') && closingParen(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  return text;
}

/** Index of the parenthesis closing the one at `open`, skipping string literals. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = endOfString(text, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== "'") continue;
    if (text[i + 1] === "'") i++;
    else return i;
  }
  return text.length;
}

/** The operands of the expression's top-level AND; one element when it is no AND. */
export function conjuncts(expr: string): string[] {
  const text = unwrap(expr);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = endOfString(text, i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i).trim());
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * A conjunct that ties the row to its caller (an owner column equal to
 * auth.uid()) or keeps two of its references in one class
 * (class_of_student(…) = class_of_session(…)), alone or inside an OR.
 */
export function isOwnershipOrScope(conjunct: string): boolean {
  return /auth\.uid\(\)/.test(conjunct) || /class_of_\w+\([^()]*\) = (public\.)?class_of_\w+\(/.test(conjunct);
}

export function mutationsOf(policy: Policy): Mutation[] {
  const mutations: Mutation[] = [];
  const add = (label: string, qual: string | null, withCheck: string | null) => {
    if (qual !== policy.qual || withCheck !== policy.withCheck) mutations.push({ policy, label, qual, withCheck });
  };
  if (policy.qual !== null && unwrap(policy.qual) !== 'true') add('USING → true', 'true', policy.withCheck);
  if (policy.withCheck !== null && unwrap(policy.withCheck) !== 'true') add('WITH CHECK → true', policy.qual, 'true');
  for (const clause of ['USING', 'WITH CHECK'] as const) {
    const expr = clause === 'USING' ? policy.qual : policy.withCheck;
    if (expr === null) continue;
    const parts = conjuncts(expr);
    if (parts.length < 2) continue;
    parts.forEach((part, index) => {
      if (!isOwnershipOrScope(part)) return;
      const mutated = parts.map((p, i) => (i === index ? 'true' : p)).join(' AND ');
      add(`${clause}: drop ${part}`, clause === 'USING' ? mutated : policy.qual, clause === 'WITH CHECK' ? mutated : policy.withCheck);
    });
  }
  return mutations;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `alter policy` setting these expressions; INSERT has no USING, SELECT and DELETE no WITH CHECK. */
export function alterPolicySql(policy: Policy, qual: string | null, withCheck: string | null): string {
  const clauses = [qual === null ? '' : ` using (${qual})`, withCheck === null ? '' : ` with check (${withCheck})`].join('');
  return `alter policy ${ident(policy.name)} on ${ident(policy.schema)}.${ident(policy.table)}${clauses}`;
}
