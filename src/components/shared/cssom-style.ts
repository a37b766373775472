import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/**
 * Sets inline style properties through CSSOM only (`style.setProperty`), removing those that
 * disappear. Lit's `styleMap` writes its first value as a `style` attribute, which a
 * Content-Security-Policy without `'unsafe-inline'` in `style-src` refuses (`style-src-attr`);
 * CSSOM writes are always allowed. Goes on an element: `<div ${cssomStyle({ width: '40%' })}>`.
 */
class CssomStyleDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssomStyle() goes on an element, not in an attribute');
  }

  render(_styles: Readonly<Record<string, string>>): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [styles]: [Readonly<Record<string, string>>]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const name of this.previous) if (!(name in styles)) style.removeProperty(name);
    for (const [name, value] of Object.entries(styles)) style.setProperty(name, value);
    this.previous = new Set(Object.keys(styles));
    return noChange;
  }
}

export const cssomStyle = directive(CssomStyleDirective);
