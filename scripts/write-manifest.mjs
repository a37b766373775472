#!/usr/bin/env node
/**
 * @file CLI: writes `manifest.json` into a self-hosted model folder: every file's size and SHA-256.
 *
 *   node scripts/write-manifest.mjs <model folder> [<model folder> ...]
 *   node node_modules/slm-elements/scripts/write-manifest.mjs models/SmolLM2-360M-Instruct
 *
 * With a manifest, `<slm-provider model-base-url=…>` knows which files the model has before asking
 * for any (no 404 probes in the console), shows sizes without asking, and checks every downloaded
 * file against its SHA-256 before using or caching it (`integrity` error after a second mismatch).
 * Run it again whenever a file of the folder changes. Format (docs/self-hosting.md):
 *
 *   { "version": 1, "files": { "config.json": { "size": 747, "sha256": "…" }, "onnx/model_q4.onnx": { … } } }
 *
 * Hidden files and the manifest itself are left out.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** SHA-256 of a file, streamed (weights can be gigabytes). */
function sha256Of(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every file under `dir`, recursively, as paths relative to `root` with `/` separators, sorted. */
async function filesUnder(root, dir = root) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, path)));
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.filter((file) => file !== 'manifest.json').sort();
}

/**
 * Writes `<folder>/manifest.json`; resolves with the number of files listed and their bytes.
 * @param {string} folder
 */
export async function writeManifest(folder) {
  const files = {};
  let bytes = 0;
  for (const file of await filesUnder(folder)) {
    const path = join(folder, file);
    const { size } = await stat(path);
    files[file] = { size, sha256: await sha256Of(path) };
    bytes += size;
  }
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify({ version: 1, files }, null, 2)}\n`);
  return { count: Object.keys(files).length, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folders = process.argv.slice(2);
  if (folders.length === 0 || folders.includes('--help') || folders.includes('-h')) {
    console.log('Usage: node scripts/write-manifest.mjs <model folder> [<model folder> ...]');
    process.exit(folders.length === 0 ? 1 : 0);
  }
  for (const folder of folders) {
    const { count, bytes } = await writeManifest(folder);
    console.log(`write-manifest: ${join(folder, 'manifest.json')} lists ${count} files (${(bytes / 1e6).toFixed(2)} MB)`);
  }
}
