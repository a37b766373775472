/**
 * The framework typings and editor data generated from custom-elements.json into dist/types/
 * (scripts/cem/). Runs in Node (`node --test test/node/`) after `npm run build`.
 *
 * Each fixture in test/types/ uses one framework's typings through the package's own name, the way
 * an app imports them, and holds `@ts-expect-error` lines for wrong usages: `tsc` fails when a
 * correct usage does not compile, and also when a wrong one does (an unused `@ts-expect-error`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url);
// `typescript/bin/tsc` is not in the package's `exports`; its package.json is.
const typescriptPackage = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = join(dirname(typescriptPackage), JSON.parse(readFileSync(typescriptPackage, 'utf8')).bin.tsc);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

for (const framework of ['react', 'preact', 'solid', 'vue', 'svelte', 'jsx']) {
  test(`the ${framework} typings accept correct usage and reject wrong attribute values and events`, async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', `test/types/tsconfig.${framework}.json`], {
      cwd: root,
      encoding: 'utf8',
    }).catch((error) => error);
    assert.equal(result.code ?? 0, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
  });
}

test('package.json points JetBrains at web-types.json, which lists every element with typed events', () => {
  const pkg = readJson('package.json');
  const webTypes = readJson(pkg['web-types']);
  const elements = webTypes.contributions.html.elements;
  assert.deepEqual(elements.map((element) => element.name).sort(), ['slm-chat', 'slm-complete', 'slm-fill', 'slm-provider', 'slm-tool']);
  const chatEvents = elements.find((element) => element.name === 'slm-chat').js.events;
  assert.ok(chatEvents.some((event) => event.name === 'slm-response'), 'slm-chat lists slm-response');
  assert.ok(chatEvents.every((event) => event.name), 'no event without a name');
});

test('the VS Code data offers the allowed values of enumerated attributes, not type names', () => {
  const data = readJson('dist/types/vscode.html-custom-data.json');
  const values = (tag, attribute) =>
    data.tags.find((t) => t.name === tag).attributes.find((a) => a.name === attribute).values.map((v) => v.name);
  assert.deepEqual(values('slm-complete', 'mode'), ['text', 'chat']);
  assert.deepEqual(values('slm-chat', 'markdown'), ['on', 'off']);
  assert.deepEqual(values('slm-complete', 'stop-sequences'), [], 'a free string, not `string[]`');
  const css = readJson('dist/types/vscode.css-custom-data.json');
  assert.ok(css.properties.some((property) => property.name === '--slm-color-accent'));
  assert.ok(css.pseudoElements.some((part) => part.name === '::part(send-button)'));
});

test('every event of an element in custom-elements.json has a name and an Event subclass type', () => {
  const manifest = readJson('custom-elements.json');
  const events = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement).flatMap((d) => d.events ?? []);
  assert.ok(events.length > 0);
  for (const event of events) {
    assert.match(event.name ?? '', /^slm-[a-z-]+$/);
    assert.match(event.type?.text ?? '', /^Slm\w+Event$/, event.name);
  }
});
