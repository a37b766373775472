/**
 * Custom-elements-manifest analyzer plugin: writes the elements' typings for JSX (React 19,
 * Preact, Solid, or any JSX through `CustomElements`), Vue (`GlobalComponents`) and Svelte 5
 * (`SvelteHTMLElements`) from `custom-elements.json`, into `dist/types/`.
 *
 * Why not the `custom-element-{jsx,vuejs,svelte}-integration` plugins (checked at 1.6.0 / 1.4.0 /
 * 1.2.0): they type events as `CustomEvent<never>` unless `@fires` names a type, emit
 * `Element["undefined"]` for attributes without a property, offer read-only properties as inputs,
 * and write syntax these frameworks no longer use for custom elements (Svelte 4's `on:` and
 * `bind:`, a global `JSX` namespace that React 19 does not read). Each framework also passes
 * values to a custom element differently, and the types below follow what each one does at run
 * time:
 *
 * - React 19, Preact, Svelte 5: a name that is a property of the element (`'systemPrompt' in el`)
 *   is set as that property, anything else as an attribute; `onslm-response` listens to the
 *   `slm-response` event. So both `system-prompt` and `systemPrompt` are offered.
 * - Solid: a dynamic value on a custom element is set as the property named by camel-casing the
 *   (lower-cased) name, so `system-prompt` reaches `systemPrompt` but `systemPrompt` would reach
 *   `systemprompt`: only the attribute names, plus properties without an attribute (`strings`,
 *   `messages`), and events as `on:slm-response`.
 * - Vue: props are declared camel-cased (templates accept both spellings); attribute-only names
 *   (the chat's `model-base-url` without a provider) stay kebab-cased; events are
 *   `onSlmResponse` (`@slm-response` in templates).
 *
 * Each value is typed by the element class's own property (`SlmChatElement["markdown"]`), and each
 * event by its `Event` subclass, so the typings follow the classes' declarations in `dist/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = '// Generated from custom-elements.json by scripts/cem/framework-types-plugin.mjs. Do not edit.\n';

/** @param {{ outdir: string }} options */
export function frameworkTypesPlugin({ outdir }) {
  return {
    name: 'slm-framework-types',
    packageLinkPhase({ customElementsManifest }) {
      const elements = customElementsManifest.modules
        .flatMap((module) => module.declarations ?? [])
        .filter((declaration) => declaration.customElement && declaration.tagName)
        .map(describeElement)
        .sort((a, b) => a.tag.localeCompare(b.tag));
      mkdirSync(outdir, { recursive: true });
      for (const [file, text] of Object.entries(renderAll(elements))) {
        writeFileSync(join(outdir, file), HEADER + text);
      }
    },
  };
}

/** The inputs (attributes, properties) and events of one element, from its manifest entry. */
function describeElement(declaration) {
  const className = declaration.name;
  const fields = (declaration.members ?? []).filter(
    (member) =>
      member.kind === 'field' &&
      !member.static &&
      !member.readonly &&
      (member.privacy ?? 'public') === 'public' &&
      !/^[_#]/.test(member.name),
  );
  const propertyType = (name) => `${className}[${JSON.stringify(name)}]`;
  const attributes = (declaration.attributes ?? []).map((attribute) => {
    const field = fields.find((member) => member.name === attribute.fieldName);
    return {
      name: attribute.name,
      field: field?.name,
      description: attribute.description ?? field?.description,
      // An attribute without a property is read with `getAttribute`: a string.
      type: field ? propertyType(field.name) : 'string',
    };
  });
  const properties = fields.map((member) => ({
    name: member.name,
    attribute: attributes.find((attribute) => attribute.field === member.name)?.name,
    description: member.description,
    type: propertyType(member.name),
  }));
  const events = (declaration.events ?? []).map((event) => {
    if (!event.name || !event.type?.text) throw new Error(`${className}: event without name or type in the manifest`);
    return { name: event.name, type: event.type.text, description: event.description };
  });
  return {
    tag: declaration.tagName,
    className,
    summary: declaration.summary ?? declaration.description ?? '',
    attributes,
    properties,
    events,
  };
}

function pascal(name) {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase());
}

function docComment(text, indent = '') {
  if (!text) return '';
  const lines = text.replaceAll('*/', '*\\/').split('\n');
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function member(key, type, description, indent = '  ') {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  return `${docComment(description, indent)}${indent}${name}?: ${type};\n`;
}

/** Inputs offered where a property name sets the property and any other name an attribute. */
function attributesAndProperties(element) {
  const entries = element.attributes.map((a) => [a.name, a.type, a.description]);
  for (const p of element.properties) {
    if (p.attribute !== p.name) entries.push([p.name, p.type, p.description]);
  }
  return entries;
}

function importLine(elements) {
  const names = new Set(elements.flatMap((e) => [e.className, ...e.events.map((event) => event.type)]));
  return `import type { ${[...names].sort().join(', ')} } from '../index.js';\n`;
}

function propsType(typeName, element, entries, eventKey) {
  let body = '';
  for (const [key, type, description] of entries) body += member(key, type, description);
  for (const event of element.events) {
    body += member(eventKey(event.name), `(event: ${event.type}) => void`, `\`${event.name}\`: ${event.description ?? ''}`);
  }
  return `${docComment(`Attributes, properties and events of \`<${element.tag}>\`.`)}export interface ${typeName} {\n${body}}\n`;
}

/** Every typing file, by name. */
function renderAll(elements) {
  const props = (e) => `${pascal(e.tag)}Props`;
  const intrinsic = (wrap) =>
    elements.map((e) => `${docComment(e.summary, '      ')}      ${JSON.stringify(e.tag)}: ${wrap(e)};\n`).join('');

  const jsx =
    importLine(elements) +
    '\n' +
    elements.map((e) => propsType(props(e), e, attributesAndProperties(e), (name) => `on${name}`)).join('\n') +
    '\n' +
    docComment(
      'The elements for any JSX `IntrinsicElements` (React 19, Preact, Svelte 5 attribute names): merge\n' +
        'with your framework\'s HTML attributes, or import `slm-elements/react`, `/preact` or `/solid`.',
    ) +
    `export interface CustomElements {\n${elements.map((e) => `  ${JSON.stringify(e.tag)}: ${props(e)};\n`).join('')}}\n`;

  const react =
    `import type { DetailedHTMLProps, HTMLAttributes } from 'react';\n` +
    importLine(elements) +
    `import type { ${elements.map(props).join(', ')} } from './jsx.js';\n\n` +
    `/** React's own props (\`className\`, \`ref\`, \`key\`, \`children\`, …) and the element's. */\n` +
    `export type ReactElementProps<E extends HTMLElement, P> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, keyof P> & P;\n\n` +
    `declare module 'react' {\n  namespace JSX {\n    interface IntrinsicElements {\n` +
    intrinsic((e) => `ReactElementProps<${e.className}, ${props(e)}>`) +
    `    }\n  }\n}\n`;

  const preact =
    // Preact 11 exports its HTML attribute types from the package root (no longer in `JSX`).
    `import type { HTMLAttributes } from 'preact';\n` +
    importLine(elements) +
    `import type { ${elements.map(props).join(', ')} } from './jsx.js';\n\n` +
    `/** Preact's own props (\`class\`, \`ref\`, \`key\`, \`children\`, …) and the element's. */\n` +
    `export type PreactElementProps<E extends HTMLElement, P> = Omit<HTMLAttributes<E>, keyof P> & P;\n\n` +
    `declare module 'preact' {\n  namespace JSX {\n    interface IntrinsicElements {\n` +
    intrinsic((e) => `PreactElementProps<${e.className}, ${props(e)}>`) +
    `    }\n  }\n}\n`;

  const solidProps = (e) => `${pascal(e.tag)}SolidProps`;
  const solid =
    `import type { JSX } from 'solid-js';\n` +
    importLine(elements) +
    '\n' +
    elements
      .map((e) =>
        propsType(
          solidProps(e),
          e,
          [
            ...e.attributes.map((a) => [a.name, a.type, a.description]),
            ...e.properties.filter((p) => !p.attribute).map((p) => [p.name, p.type, p.description]),
          ],
          (name) => `on:${name}`,
        ),
      )
      .join('\n') +
    `\n/** Solid's own props (\`class\`, \`ref\`, \`children\`, …) and the element's. */\n` +
    `export type SolidElementProps<E extends HTMLElement, P> = Omit<JSX.HTMLAttributes<E>, keyof P> & P;\n\n` +
    `declare module 'solid-js' {\n  namespace JSX {\n    interface IntrinsicElements {\n` +
    intrinsic((e) => `SolidElementProps<${e.className}, ${solidProps(e)}>`) +
    `    }\n  }\n}\n`;

  const vueProps = (e) => `${pascal(e.tag)}VueProps`;
  const vue =
    `import type { DefineComponent } from 'vue';\n` +
    importLine(elements) +
    '\n' +
    elements
      .map((e) =>
        propsType(
          vueProps(e),
          e,
          [
            ...e.properties.map((p) => [p.name, p.type, p.description]),
            ...e.attributes.filter((a) => !a.field).map((a) => [a.name, a.type, a.description]),
          ],
          (name) => `on${pascal(name)}`,
        ),
      )
      .join('\n') +
    `\ndeclare module 'vue' {\n  interface GlobalComponents {\n` +
    elements.map((e) => `${docComment(e.summary, '    ')}    ${JSON.stringify(e.tag)}: DefineComponent<${vueProps(e)}>;\n`).join('') +
    `  }\n}\n`;

  const svelte =
    `import type { HTMLAttributes } from 'svelte/elements';\n` +
    importLine(elements) +
    `import type { ${elements.map(props).join(', ')} } from './jsx.js';\n\n` +
    `/** Svelte's own attributes (\`class\`, \`style\`, …) and the element's. */\n` +
    `export type SvelteElementProps<E extends HTMLElement, P> = Omit<HTMLAttributes<E>, keyof P> & P;\n\n` +
    `declare module 'svelte/elements' {\n  interface SvelteHTMLElements {\n` +
    elements
      .map((e) => `${docComment(e.summary, '    ')}    ${JSON.stringify(e.tag)}: SvelteElementProps<${e.className}, ${props(e)}>;\n`)
      .join('') +
    `  }\n}\n`;

  return { 'jsx.d.ts': jsx, 'react.d.ts': react, 'preact.d.ts': preact, 'solid.d.ts': solid, 'vue.d.ts': vue, 'svelte.d.ts': svelte };
}
