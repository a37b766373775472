/**
 * Custom-elements-manifest analyzer plugin: completes what the analyzer cannot infer by itself, so
 * every tool reading `custom-elements.json` (editor data, framework types, Storybook, the README
 * reference) sees the same, complete API.
 *
 * - Events: `@fires slm-send - …` gives a name but no type, and `dispatchEvent(new SlmClearEvent())`
 *   gives a type but no name (the analyzer cannot see the name inside the class's constructor). The
 *   `GlobalEventHandlersEventMap` augmentations in `src/events/` map one to the other, so each event
 *   gets both, and duplicates are merged. An event missing from that map fails the analysis: an
 *   untyped event would silently become `Event` in every framework's types.
 * - String-literal type aliases (`type CompleteMode = 'text' | 'chat'`) are written out in an
 *   `expandedType` next to `type`: the editor-data plugins read their value lists from it
 *   (`typesSrc: 'expandedType'`), and would otherwise offer the alias name itself as a value. So
 *   are aliases of a constant list's items (`type DeviceOption = (typeof DEVICE_OPTIONS)[number]`
 *   with `const DEVICE_OPTIONS = ['auto', 'webgpu', 'wasm'] as const`): the settings table in
 *   `src/engine/shared/settings.ts` declares each list of values once.
 */
export function typedEventsPlugin() {
  /** `'slm-clear'` → `'SlmClearEvent'`, from every `GlobalEventHandlersEventMap` augmentation. */
  const eventTypes = new Map();
  /** `'CompleteMode'` → `"'text' | 'chat'"`. */
  const literalAliases = new Map();
  /** `'DEVICE_OPTIONS'` → `"'auto' | 'webgpu' | 'wasm'"`, for `const … = [...] as const` lists of strings. */
  const literalLists = new Map();
  /** `'DeviceOption'` → `'DEVICE_OPTIONS'`, for `type … = (typeof LIST)[number]`. */
  const listItemAliases = new Map();

  return {
    name: 'slm-typed-events',
    analyzePhase({ ts, node }) {
      if (ts.isInterfaceDeclaration(node) && node.name.text === 'GlobalEventHandlersEventMap') {
        for (const member of node.members) {
          if (ts.isPropertySignature(member) && member.type && ts.isStringLiteral(member.name)) {
            eventTypes.set(member.name.text, member.type.getText());
          }
        }
      }
      if (
        ts.isTypeAliasDeclaration(node) &&
        ts.isUnionTypeNode(node.type) &&
        node.type.types.every((type) => ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal))
      ) {
        literalAliases.set(node.name.text, node.type.types.map((type) => type.getText()).join(' | '));
      }
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer &&
        ts.isAsExpression(node.initializer) &&
        ts.isArrayLiteralExpression(node.initializer.expression) &&
        node.initializer.expression.elements.every((element) => ts.isStringLiteral(element))
      ) {
        const items = node.initializer.expression.elements.map((element) => `'${element.text}'`);
        literalLists.set(node.name.text, items.join(' | '));
      }
      if (ts.isTypeAliasDeclaration(node)) {
        let type = node.type;
        while (ts.isParenthesizedTypeNode(type)) type = type.type;
        if (ts.isIndexedAccessTypeNode(type) && type.indexType.getText() === 'number') {
          let object = type.objectType;
          while (ts.isParenthesizedTypeNode(object)) object = object.type;
          if (ts.isTypeQueryNode(object)) listItemAliases.set(node.name.text, object.exprName.getText());
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const [alias, list] of listItemAliases) {
        if (literalLists.has(list)) literalAliases.set(alias, literalLists.get(list));
      }
      const namesByType = new Map([...eventTypes].map(([name, type]) => [type, name]));
      for (const declaration of customElementsManifest.modules.flatMap((module) => module.declarations ?? [])) {
        if (!declaration.customElement) continue;
        const byName = new Map();
        // Named (documented) events first, so the manifest keeps the order of the `@fires` tags.
        const events = [...(declaration.events ?? [])].sort((a, b) => Number(!a.name) - Number(!b.name));
        for (const event of events) {
          const name = event.name ?? namesByType.get(event.type?.text);
          const type = eventTypes.get(name);
          if (!name || !type) {
            throw new Error(
              `${declaration.name}: event ${name ?? event.type?.text} is not in GlobalEventHandlersEventMap ` +
                `(add the augmentation in src/events/ and a @fires tag on the class).`,
            );
          }
          const merged = byName.get(name) ?? { name };
          merged.type = { text: type };
          merged.description ??= event.description;
          byName.set(name, merged);
        }
        if (declaration.events) declaration.events = [...byName.values()];
        for (const member of declaration.members ?? []) {
          const expanded = literalAliases.get(member.type?.text);
          if (expanded) member.expandedType = { text: expanded };
        }
        // An attribute's value is a string whatever the property accepts, so parts such as
        // `string[]` (of `stop-sequences`) are dropped rather than offered as a value.
        for (const attribute of declaration.attributes ?? []) {
          const parts = (attribute.type?.text ?? '').split('|').map((part) => part.trim()).filter(Boolean);
          const expanded = parts
            .flatMap((part) => (literalAliases.get(part) ?? part).split(' | '))
            .filter((part) => /^'.*'$/.test(part) || ['string', 'number', 'boolean', 'undefined'].includes(part));
          if (expanded.join(' | ') !== parts.join(' | ')) attribute.expandedType = { text: expanded.join(' | ') };
        }
      }
    },
  };
}
