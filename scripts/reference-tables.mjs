/**
 * Writes the reference tables of docs/reference.md from custom-elements.json: for each element, between
 * `<!-- reference:start slm-x -->` and `<!-- reference:end slm-x -->`, its attributes and properties,
 * methods, events, slots, parts and CSS custom properties. The prose around the markers is written
 * by hand and left alone.
 *
 *   node scripts/reference-tables.mjs           rewrites docs/reference.md
 *   node scripts/reference-tables.mjs --check   exits with 1 when docs/reference.md is out of date
 *
 * custom-elements.json is generated from the elements' JSDoc by `npm run analyze`, so the JSDoc is
 * where a wrong line in these tables gets fixed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REFERENCE = new URL('../docs/reference.md', import.meta.url);
const MANIFEST = new URL('../custom-elements.json', import.meta.url);

/** A table cell: one line, pipes escaped. */
const cell = (text = '') => String(text).replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|').trim();
const code = (text) => `\`${text}\``;

function table(headers, rows) {
  if (rows.length === 0) return '';
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The type to show: the expanded literal union when the manifest has one. */
function typeOf(item) {
  const text = (item.expandedType ?? item.type)?.text;
  return text ? code(text.replace(/ \| undefined$/, '')) : '';
}

/** Only literal defaults mean something to a reader (`'auto'`, `false`, `[]`), not `new LocalEngine()`. */
function defaultOf(item) {
  return item.default && /^('.*'|-?\d+(\.\d+)?|true|false|\[\]|\{\})$/.test(item.default) ? code(item.default) : '';
}

/** The markdown for one element's tables. */
export function elementReference(declaration) {
  const members = (declaration.members ?? []).filter((m) => (m.privacy ?? 'public') === 'public' && !m.static);
  const attributes = declaration.attributes ?? [];
  const inputs = [
    ...attributes
      .filter((a) => !a.fieldName)
      .map((a) => [code(a.name), '', typeOf(a), defaultOf(a), a.description ?? '']),
    ...members
      .filter((m) => m.kind === 'field')
      .map((m) => {
        const attribute = attributes.find((a) => a.fieldName === m.name);
        return [
          attribute ? code(attribute.name) : '',
          code(m.name),
          typeOf(m),
          defaultOf(m),
          `${m.readonly ? 'Read-only. ' : ''}${m.description ?? ''}`,
        ];
      }),
  ];
  const methods = members
    .filter((m) => m.kind === 'method')
    .map((m) => {
      const parameters = (m.parameters ?? [])
        .map((p) => `${p.name}${p.default !== undefined || p.optional ? '?' : ''}: ${p.type?.text ?? 'unknown'}`)
        .join(', ');
      return [code(`${m.name}(${parameters}): ${m.return?.type?.text ?? 'void'}`), m.description ?? ''];
    });
  const events = (declaration.events ?? []).map((e) => [code(e.name), e.type ? code(e.type.text) : '', e.description ?? '']);
  const slots = (declaration.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', s.description ?? '']);
  const parts = (declaration.cssParts ?? []).map((p) => [code(p.name), p.description ?? '']);
  const properties = (declaration.cssProperties ?? []).map((p) => [code(p.name), p.description ?? '']);

  const sections = [
    table(['Attribute', 'Property', 'Type', 'Default', 'Description'], inputs),
    table(['Method', 'Description'], methods),
    table(['Event', 'Class', 'Description'], events),
    table(['Slot', 'Description'], slots),
    table(['Part', 'Description'], parts),
    table(['CSS custom property', 'Description'], properties),
  ].filter(Boolean);
  return sections.join('\n\n');
}

/** `markdown` with every element's marked block regenerated from `manifest`. */
export function updateReference(markdown, manifest) {
  const declarations = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement && d.tagName);
  let result = markdown;
  for (const declaration of declarations) {
    const start = `<!-- reference:start ${declaration.tagName} -->`;
    const end = `<!-- reference:end ${declaration.tagName} -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from === -1 || to < from) throw new Error(`docs/reference.md has no ${start} … ${end} block`);
    const note = '<!-- Generated from custom-elements.json by scripts/reference-tables.mjs; edit the JSDoc instead. -->';
    result = `${result.slice(0, from + start.length)}\n${note}\n\n${elementReference(declaration)}\n\n${result.slice(to)}`;
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reference = readFileSync(REFERENCE, 'utf8');
  const updated = updateReference(reference, JSON.parse(readFileSync(MANIFEST, 'utf8')));
  if (process.argv.includes('--check')) {
    if (updated !== reference) {
      console.error('docs/reference.md is out of date: run `node scripts/reference-tables.mjs`.');
      process.exit(1);
    }
  } else if (updated !== reference) {
    writeFileSync(REFERENCE, updated);
    console.log('reference-tables: docs/reference.md updated');
  }
}
