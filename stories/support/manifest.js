/**
 * The elements' API as custom-elements.json describes it, for Storybook: which members are public,
 * which control fits each type, and how a story's args reach an element (attribute, property,
 * event listener or CSS custom property), so stories never repeat the API by hand.
 */
import manifest from '../../custom-elements.json';

const declarations = manifest.modules.flatMap((module) => module.declarations ?? []).filter((d) => d.customElement);
const byTag = new Map(declarations.map((declaration) => [declaration.tagName, declaration]));

/** The manifest without private, protected or static members (Storybook would list them all). */
export function publicManifest(source) {
  return {
    ...source,
    modules: source.modules.map((module) => ({
      ...module,
      declarations: (module.declarations ?? []).map((declaration) =>
        declaration.customElement
          ? {
              ...declaration,
              members: (declaration.members ?? []).filter(
                (member) => (member.privacy ?? 'public') === 'public' && !member.static,
              ),
            }
          : declaration,
      ),
    })),
  };
}

/** A control for an arg of `tag`, from its type in the manifest (`expandedType` first). */
export function controlFor(tag, argType) {
  const category = argType.table?.category;
  if (category === 'css custom properties') {
    return { control: /color/.test(argType.name) ? 'color' : 'text' };
  }
  if (category !== 'attributes' && category !== 'properties') return null;
  const declaration = byTag.get(tag);
  const item =
    category === 'attributes'
      ? declaration?.attributes?.find((a) => a.name === argType.name)
      : declaration?.members?.find((m) => m.name === argType.name);
  if (!item) return null;
  if (item.readonly) return { control: false };
  const parts = (item.expandedType ?? item.type)?.text?.split('|').map((part) => part.trim()).filter((part) => part !== 'undefined') ?? [];
  if (parts.length && parts.every((part) => /^'.*'$/.test(part))) {
    return { control: 'inline-radio', options: parts.map((part) => part.slice(1, -1)) };
  }
  if (parts.includes('boolean')) return { control: 'boolean' };
  if (parts.includes('number')) return { control: 'number' };
  if (parts.includes('string')) return { control: 'text' };
  return { control: 'object' };
}

/**
 * Creates `<tag>` and applies `args`: attribute names set attributes (booleans toggle them), other
 * public properties are assigned, `onSlmX` args (Storybook's actions for events) listen to `slm-x`,
 * and `--slm-*` args set custom properties. Empty values are left out, so the element's defaults
 * show.
 */
export function createElement(tag, args = {}) {
  const declaration = byTag.get(tag);
  if (!declaration) throw new Error(`<${tag}> is not in custom-elements.json`);
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null || value === '') continue;
    const attribute = declaration.attributes?.find((a) => a.name === name);
    const event = declaration.events?.find((e) => `on${pascal(e.name)}` === name);
    if (name.startsWith('--')) element.style.setProperty(name, String(value));
    else if (event && typeof value === 'function') element.addEventListener(event.name, value);
    else if (attribute && typeof value === 'boolean') element.toggleAttribute(name, value);
    else if (attribute) element.setAttribute(name, typeof value === 'string' ? value : JSON.stringify(value));
    else if (declaration.members?.some((m) => m.name === name && m.kind === 'field' && !m.readonly)) element[name] = value;
  }
  return element;
}

function pascal(name) {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase());
}
