/**
 * Reads a folder-per-person collection. Two layouts are understood:
 *   <root>/<identity>/<images>            (flat)
 *   <root>/<split>/<identity>/<images>    (split)
 * A folder holding images directly is an identity; in the split layout a
 * top-level folder with loose images (groups/, singles/) is a "loose" folder,
 * usable as unlabelled strangers but never as an identity.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}

export interface Collection {
  root: string;
  layout: 'flat' | 'split';
  /** split name → identity → image paths (natural order). The flat layout has one split, "". */
  splits: Map<string, Map<string, string[]>>;
  /** Top-level folders of loose images in the split layout: name → image paths. */
  loose: Map<string, string[]>;
}

interface Listing {
  images: string[];
  dirs: string[];
}

async function list(dir: string): Promise<Listing> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => naturalCompare(a.name, b.name));
  return {
    images: entries.filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => join(dir, e.name)),
    dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name),
  };
}

async function identitiesIn(dir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of (await list(dir)).dirs) {
    const { images } = await list(join(dir, name));
    if (images.length) out.set(name, images);
  }
  return out;
}

export async function readCollection(root: string): Promise<Collection> {
  const top = await list(root);
  const loose = new Map<string, string[]>();
  const splits = new Map<string, Map<string, string[]>>();
  for (const name of top.dirs) {
    const own = await list(join(root, name));
    const ids = await identitiesIn(join(root, name));
    if (own.images.length) loose.set(name, own.images);
    // A folder with images of its own is an identity (or a loose folder), even if it has sub-folders.
    else if (ids.size) splits.set(name, ids);
  }
  if (!splits.size) return { root, layout: 'flat', splits: new Map([['', loose]]), loose: new Map() };
  return { root, layout: 'split', splits, loose };
}

/** Identity → images over the named splits (all splits when `names` is empty), in split order then natural order. */
export function pooled(collection: Collection, names: readonly string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const chosen = names.length ? names : [...collection.splits.keys()];
  for (const name of chosen) {
    const split = collection.splits.get(name);
    if (!split) throw new Error(`No split "${name}" in ${collection.root} (found: ${[...collection.splits.keys()].join(', ') || 'none'}).`);
    for (const [id, images] of split) out.set(id, [...(out.get(id) ?? []), ...images]);
  }
  return new Map([...out.entries()].sort((a, b) => naturalCompare(a[0], b[0])));
}

/** `count` items spread evenly over `items` (all of them when there are fewer), so a cap keeps variety. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}
