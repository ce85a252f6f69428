/**
 * One face ↔ one student in a class photo: the assignment that maximises the
 * total score, so two faces never get the same student and a face never gets
 * two students. Pure; the Hungarian algorithm with potentials, O(rows²·cols).
 */

/**
 * Minimum-cost assignment for a rectangular matrix. Returns, for each row, the
 * column it gets, or −1 when there are more rows than columns and it gets none.
 * Ties are broken towards lower column indices for the earlier rows.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  if (!rows) return [];
  const cols = cost[0]!.length;
  for (const [i, row] of cost.entries()) {
    if (row.length !== cols) throw new RangeError(`Row ${i} has ${row.length} columns instead of ${cols}.`);
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError(`Row ${i} has a non-finite cost (${v}).`);
  }
  if (!cols) return new Array<number>(rows).fill(-1);
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, j) => cost.map((row) => row[j]!));
    const colToRow = hungarian(transposed);
    const out = new Array<number>(rows).fill(-1);
    colToRow.forEach((r, j) => {
      if (r >= 0) out[r] = j;
    });
    return out;
  }
  // e-maxx formulation, 1-based with a virtual column 0.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const owner = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    owner[0] = i;
    let j0 = 0;
    const minv = new Float64Array(cols + 1).fill(Infinity);
    const used = new Uint8Array(cols + 1);
    do {
      used[j0] = 1;
      const i0 = owner[j0]!;
      let delta = Infinity;
      let j1 = 0;
      const row = cost[i0 - 1]!;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = row[j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[owner[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    do {
      const j1 = way[j0]!;
      owner[j0] = owner[j1]!;
      j0 = j1;
    } while (j0);
  }
  const out = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) if (owner[j]) out[owner[j]! - 1] = j - 1;
  return out;
}

/**
 * Faces × students utilities (higher is better; null = this pair is not allowed,
 * e.g. it failed the open-set test). Returns each face's student index or null
 * ("unknown"). Every face also has its own "unknown" option worth 0, so a pair
 * is used only when it adds to the total: give allowed pairs positive utilities.
 */
export function assignFaces(utility: readonly (readonly (number | null)[])[]): (number | null)[] {
  const faces = utility.length;
  if (!faces) return [];
  const students = utility[0]!.length;
  let scale = 1;
  for (const row of utility) {
    if (row.length !== students) throw new RangeError('Every face needs a score for every student.');
    for (const v of row) {
      if (v !== null && !Number.isFinite(v)) throw new RangeError(`Non-finite utility ${v}.`);
      if (v !== null) scale += Math.abs(v);
    }
  }
  // A forbidden pair costs more than any set of allowed ones gains; each face's own unknown column is always free.
  const forbidden = 2 * scale;
  const cost = utility.map((row, i) => [
    ...row.map((v) => (v === null ? forbidden : -v)),
    ...Array.from({ length: faces }, (_, k) => (k === i ? 0 : forbidden)),
  ]);
  return hungarian(cost).map((j, i) => (j >= 0 && j < students && utility[i]![j] !== null ? j : null));
}
