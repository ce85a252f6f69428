import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readCollection, pooled } from './eval/datasets';
import { createEmbedder } from './eval/embed';
const root = '../shared/datasets';
const emb = await createEmbedder();
const t0 = performance.now();
for (const name of (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  const col = await readCollection(join(root, name));
  const ids = pooled(col);
  const files = [...ids.values()].flat().concat(col.loose.get('singles') ?? []);
  let noFace = 0; let ms = 0;
  for (const f of files) { const e = await emb.embed(f); if (!e.descriptor) noFace++; ms += e.ms ?? 0; }
  console.log(name, col.layout, [...col.splits.keys()].join('|'), [...col.loose.keys()].join('|'), 'ids', ids.size, 'files', files.length, 'noFace', noFace, 'ms/img', (ms / files.length).toFixed(0), 'total s', ((performance.now() - t0) / 1000).toFixed(0));
}
emb.dispose();
