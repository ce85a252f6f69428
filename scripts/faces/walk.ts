/** Turns command-line paths into the list of images to process, with the person each belongs to. */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';

export interface InputImage {
  file: string;
  /** Name of the folder the image sits in, when it was found below a directory argument (folder-per-person layout). */
  person?: string;
}

/** Extensions picked up when walking a directory; a file named explicitly is always tried, whatever its name. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

/** Natural order, so img2 comes before img10 and runs are repeatable across file systems. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Files are passed through (a missing one too: reading it later reports the error
 * against that file). Directories are walked recursively, hidden entries skipped.
 * A path named twice is listed once.
 */
export async function collectInputs(paths: readonly string[]): Promise<InputImage[]> {
  const out: InputImage[] = [];
  const seen = new Set<string>();
  const add = (item: InputImage) => {
    if (seen.has(item.file)) return;
    seen.add(item.file);
    out.push(item);
  };
  for (const p of paths) {
    const isDir = await stat(p).then((st) => st.isDirectory(), () => false);
    if (!isDir) {
      add({ file: p });
      continue;
    }
    for (const file of await walkImages(p)) {
      const rel = relative(p, file);
      add(rel.includes(sep) ? { file, person: basename(dirname(file)) } : { file });
    }
  }
  return out;
}

async function walkImages(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => compareNames(a.name, b.name));
  const files: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walkImages(full)));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(full);
  }
  return files;
}
