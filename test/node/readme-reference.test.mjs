/**
 * The README's reference tables are what custom-elements.json says (scripts/readme-reference.mjs).
 * Runs in Node (`node --test test/node/`) after `npm run build`, which regenerates the manifest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { updateReadme } from '../../scripts/readme-reference.mjs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8'));

test('the README reference matches custom-elements.json (run `node scripts/readme-reference.mjs` to update)', () => {
  assert.equal(updateReadme(readme, manifest), readme);
});

test('a change in the manifest changes the generated reference', () => {
  const changed = structuredClone(manifest);
  const chat = changed.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'slm-chat');
  chat.cssParts.push({ name: 'new-part', description: 'A part added after the README was written.' });
  const updated = updateReadme(readme, changed);
  assert.notEqual(updated, readme);
  assert.match(updated, /\| `new-part` \| A part added after the README was written\. \|/);
});

test('every element of the manifest has its reference block in the README', () => {
  for (const tag of ['slm-provider', 'slm-chat', 'slm-complete']) {
    assert.ok(readme.includes(`<!-- reference:start ${tag} -->`), tag);
    assert.ok(readme.includes(`<!-- reference:end ${tag} -->`), tag);
  }
});
