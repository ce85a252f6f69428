/**
 * The row-level security matrix as data: who the callers are, what a table
 * spec says (rows to read, update and delete, rows to insert, and who may),
 * and the cells built from it. rls-matrix.test.ts runs every cell as one
 * test; scripts/test-policies.ts runs the same cells as the killers of its
 * policy mutations, so both always check the same thing.
 */
import { expect } from 'vitest';
import { actAs, attempt, inTransaction, PERMISSION_DENIED, RLS_VIOLATION, type TestDatabase } from '../harness';
import { SCHOOLS, USERS } from '../../../local/seed-ids';

/** Signed in, in auth.users, with no membership anywhere. */
const STRANGER = '20000000-0000-4000-8000-000000000099';

export const ACTORS = {
  admin: { label: 'admin of the demo school', userId: USERS.asha.id },
  teacher7B: { label: 'teacher of 7B', userId: USERS.tomas.id },
  teacher8A: { label: 'teacher of 8A', userId: USERS.priya.id },
  student: { label: 'student Aarav (7B)', userId: USERS.aarav.id },
  parent: { label: "Aarav's parent", userId: USERS.pat.id },
  otherAdmin: { label: "Northside's admin", userId: USERS.xavier.id },
  otherTeacher: { label: "Northside's teacher of 9C", userId: USERS.nadia.id },
  otherStudent: { label: 'Northside student Zoe', userId: USERS.zoe.id },
  stranger: {
    label: 'a signed-in user with no membership',
    userId: STRANGER,
    setup: `insert into auth.users (id, email) values ('${STRANGER}', 'stranger@rollcall.example')`,
  },
  // Removing a teacher deletes the membership; a class_teachers row left
  // behind must not keep the class open to them.
  removedTeacher: {
    label: 'Priya, removed as a teacher but still assigned to 8A',
    userId: USERS.priya.id,
    setup: `delete from public.memberships where user_id = '${USERS.priya.id}' and role = 'teacher'`,
  },
  deletedGuardian: {
    label: "Pat, whose guardian record is deleted",
    userId: USERS.pat.id,
    setup: `update public.guardians set deleted_at = now() where user_id = '${USERS.pat.id}'`,
  },
  // Admin power needs a second factor (aal2): signed in with a password
  // alone, Asha is just a member of her school.
  adminAtAal1: {
    label: 'admin of the demo school without a second factor',
    userId: USERS.asha.id,
    claims: { aal: 'aal1' },
  },
  // Both a teacher and an admin: without a second factor, exactly a teacher.
  teacherAdminAtAal1: {
    label: 'Tomas, teacher of 7B and an admin, without a second factor',
    userId: USERS.tomas.id,
    claims: { aal: 'aal1' },
    setup: `insert into public.memberships (user_id, school_id, role) values ('${USERS.tomas.id}', '${SCHOOLS.demo}', 'admin')`,
    sameAs: 'teacher7B',
  },
  anon: { label: 'anon', userId: null },
} as const satisfies Record<string, ActorSpec>;
export type Actor = keyof typeof ACTORS;

interface ActorSpec {
  label: string;
  userId: string | null;
  /** Runs as the owner before the caller acts: their circumstances. */
  setup?: string;
  /** JWT claims over the default ones (claimsFor: aal2 for the seed's admins, else aal1). */
  claims?: Record<string, unknown>;
  /** Allowed exactly what this other actor is, in every cell. */
  sameAs?: string;
}

const actorSpec = (actor: Actor): ActorSpec => ACTORS[actor];
/** Whether the spec's list of callers lets this actor in (itself or the actor it acts the same as). */
const listed = (callers: readonly Actor[], actor: Actor) => callers.includes(actor) || callers.some((c) => c === actorSpec(actor).sameAs);
const becomeCaller = (tx: TestDatabase, actor: Actor) => actAs(tx, actorSpec(actor).userId, { claims: actorSpec(actor).claims });
export type Op = 'read' | 'insert' | 'update' | 'delete';

/** An existing row, and who may read, update and delete it. */
export interface Target {
  label: string;
  where: string;
  /** The cells this target makes (default: read, update and delete). */
  ops?: Op[];
  /**
   * Update or delete with no WHERE, so that only the policies of that
   * command decide which rows it reaches (a WHERE on a column brings in the
   * SELECT policies too). `where` still names the row watched: an allowed
   * caller must change it without error, a refused one must leave it as it was.
   */
  blind?: boolean;
  /** Runs first in this target's cells, as the owner. */
  prepare?: string;
  /** Another error that also counts as a refusal here (a blind update that collides with a key). */
  refusedWith?: RegExp;
  /** The assignment this target's update cells make, instead of the table's. */
  set?: string;
  read: Actor[];
  update: Actor[];
  delete: Actor[];
}

/** A new row, and who may insert it. `prepare` runs first, as the owner. */
export interface Insert {
  label: string;
  sql: string;
  allowed: Actor[];
  prepare?: string;
  /** Another error that also counts as a refusal here (a trigger that refuses the row before any policy sees it). */
  refusedWith?: RegExp;
  /**
   * A condition on the table that must hold after an allowed insert, checked
   * as the owner: what a trigger made of the row (a backdated time replaced
   * by the server's).
   */
  holds?: string;
}

export interface TableSpec {
  /** Schema-qualified when not in public (private.invites). */
  table: string;
  /** Runs first in every cell of the table, as the owner: rows the seed does not have. */
  prepare?: string;
  /** The assignment an update cell makes (it may use auth.uid()). */
  set: string;
  targets: Target[];
  inserts: Insert[];
  /** Operations authenticated has no privilege for at all. */
  notGranted?: Op[];
}

export const q = (id: string) => `'${id}'`;

export interface Cell {
  name: string;
  actor: Actor;
  allowed: boolean;
  run: (db: TestDatabase) => Promise<void>;
}

export function cellsOf(spec: TableSpec): Cell[] {
  const cells: Cell[] = [];
  const table = spec.table.includes('.') ? spec.table : `public.${spec.table}`;
  /** As the owner: the table's rows, then the caller's circumstances; then become the caller. */
  const become = async (tx: TestDatabase, actor: Actor, prepare?: string) => {
    for (const sql of [spec.prepare, prepare, actorSpec(actor).setup]) if (sql) await tx.query(sql);
  };
  const refusalError = (actor: Actor, op: Op) => (actor === 'anon' || spec.notGranted?.includes(op) ? PERMISSION_DENIED : RLS_VIOLATION);
  const name = (actor: Actor, allowed: boolean, op: Op, label: string) => `${ACTORS[actor].label} ${allowed ? 'can' : 'cannot'} ${op} ${label}`;
  const snapshot = async (db: TestDatabase, where: string) =>
    (await db.query<{ row: unknown }>(`select to_jsonb(t) as row from ${table} t where ${where}`)).rows[0]?.row ?? null;

  for (const target of spec.targets) {
    const ops = target.ops ?? ['read', 'update', 'delete'];
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      const canRead = listed(target.read, actor);
      if (ops.includes('read')) cells.push({
        name: name(actor, canRead, 'read', target.label),
        actor,
        allowed: canRead,
        run: (db) =>
          inTransaction(db, async (tx) => {
            await become(tx, actor, target.prepare);
            await becomeCaller(tx, actor);
            const outcome = await attempt<{ n: number }>(tx, `select count(*)::int as n from ${table} where ${target.where}`);
            if (actor === 'anon') {
              expect(outcome.ok ? 'read succeeded' : outcome.error).toMatch(PERMISSION_DENIED);
              return;
            }
            if (!outcome.ok) throw new Error(outcome.error);
            expect(outcome.result.rows[0].n).toBe(canRead ? 1 : 0);
          }),
      });

      for (const op of ['update', 'delete'] as const) {
        if (!ops.includes(op)) continue;
        const allowed = listed(target[op], actor);
        const where = target.blind ? '' : ` where ${target.where}`;
        const sql = op === 'update' ? `update ${table} set ${target.set ?? spec.set}${where}` : `delete from ${table}${where}`;
        cells.push({
          name: name(actor, allowed, op, target.label),
          actor,
          allowed,
          run: (db) =>
            inTransaction(db, async (tx) => {
              await become(tx, actor, target.prepare);
              const before = await snapshot(tx, target.where);
              expect(before, `the seed has ${target.label}`).not.toBeNull();
              await becomeCaller(tx, actor);
              const outcome = await attempt(tx, sql);
              await tx.query('reset role');
              const after = await snapshot(tx, target.where);
              if (allowed) {
                if (!outcome.ok) throw new Error(outcome.error);
                if (target.blind) expect(after).not.toEqual(before);
                else expect(outcome.result.affectedRows).toBe(1);
                if (op === 'delete') expect(after).toBeNull();
                return;
              }
              if (outcome.ok) {
                expect(refusalError(actor, op), `${op} should have failed`).toBe(RLS_VIOLATION);
                if (!target.blind) expect(outcome.result.affectedRows).toBe(0);
              } else if (!target.refusedWith?.test(outcome.error)) {
                expect(outcome.error).toMatch(refusalError(actor, op));
              }
              expect(after).toEqual(before);
            }),
        });
      }
    }
  }

  for (const insert of spec.inserts) {
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      const allowed = listed(insert.allowed, actor);
      cells.push({
        name: name(actor, allowed, 'insert', insert.label),
        actor,
        allowed,
        run: (db) =>
          inTransaction(db, async (tx) => {
            await become(tx, actor, insert.prepare);
            await becomeCaller(tx, actor);
            const outcome = await attempt(tx, insert.sql);
            if (allowed) {
              if (!outcome.ok) throw new Error(outcome.error);
              expect(outcome.result.affectedRows).toBe(1);
              if (insert.holds) {
                await tx.query('reset role');
                const { rows } = await tx.query<{ holds: boolean }>(`select (${insert.holds}) as holds`);
                expect(rows[0].holds, insert.holds).toBe(true);
              }
            } else if (outcome.ok || !insert.refusedWith?.test(outcome.error)) {
              expect(outcome.ok ? 'insert succeeded' : outcome.error).toMatch(refusalError(actor, 'insert'));
            }
          }),
      });
    }
  }
  return cells;
}
