/**
 * The reference tables of docs/reference.md are what custom-elements.json says
 * (scripts/reference-tables.mjs).
 * Runs in Node (`node --test test/node/`) after `npm run build`, which regenerates the manifest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { updateReference } from '../../scripts/reference-tables.mjs';

const reference = readFileSync(new URL('../../docs/reference.md', import.meta.url), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8'));

test('docs/reference.md matches custom-elements.json (run `node scripts/reference-tables.mjs` to update)', () => {
  assert.equal(updateReference(reference, manifest), reference);
});

test('a change in the manifest changes the generated reference', () => {
  const changed = structuredClone(manifest);
  const chat = changed.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'slm-chat');
  chat.cssParts.push({ name: 'new-part', description: 'A part added after the reference was written.' });
  const updated = updateReference(reference, changed);
  assert.notEqual(updated, reference);
  assert.match(updated, /\| `new-part` \| A part added after the reference was written\. \|/);
});

test('every element of the manifest has its reference block in docs/reference.md', () => {
  for (const tag of ['slm-provider', 'slm-chat', 'slm-complete']) {
    assert.ok(reference.includes(`<!-- reference:start ${tag} -->`), tag);
    assert.ok(reference.includes(`<!-- reference:end ${tag} -->`), tag);
  }
});
