/**
 * Geometry of the ghost-text overlay: a "mirror" box drawn exactly over a `<textarea>` or
 * `<input>` that lays out the field's text the same way the field does, so a suggestion placed
 * after the text before the caret appears right at the caret.
 *
 * The technique (as in component/textarea-caret-position): copy every
 * computed style that affects text layout (font, spacing, padding, border widths, wrapping, tab
 * size, direction, alignment) onto an absolutely positioned, `pointer-events: none` box of the
 * field's size; fill it with the text before the caret in transparent ink, then the suggestion in
 * faint ink; shift the content by the field's scroll offsets and clip it at the field's padding
 * box. The field itself stays untouched: its caret, selection, text and undo stack are its own.
 *
 * Known limits: CSS transforms or `zoom` between the field and the overlay are not accounted for
 * (positions come from `getBoundingClientRect`, sizes from layout); a suggestion wider than an
 * `<input>` is clipped rather than scrolled into view; a suggestion made at the end of a line in
 * the middle of a textarea is drawn over the following text if it wraps.
 */
import type { TextField } from '../../controllers/ghost-text-controller.js';

/** Computed properties of the field that decide where its glyphs go. */
const LAYOUT_PROPERTIES = [
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'font-stretch',
  'font-kerning',
  'font-feature-settings',
  'font-variation-settings',
  'font-size-adjust',
  'font-optical-sizing',
  'font-synthesis',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-indent',
  'text-rendering',
  'tab-size',
  'direction',
  'unicode-bidi',
  'text-align',
  'line-height',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border-top-width',
  'border-right-width',
  'border-bottom-width',
  'border-left-width',
  'overflow-wrap',
  'word-break',
  'hyphens',
  'color',
] as const;

/** Inline styles of the mirror box and of its content (dashed property names, as `style.setProperty` takes them). */
export interface MirrorLayout {
  box: Record<string, string>;
  content: Record<string, string>;
}

/**
 * Where and how to draw the mirror of `field`, relative to `anchor` (a zero-size,
 * `position: relative` element the mirror is absolutely positioned in).
 */
export function mirrorLayout(field: TextField, anchor: Element): MirrorLayout {
  const computed = getComputedStyle(field);
  const box: Record<string, string> = {};
  for (const name of LAYOUT_PROPERTIES) box[name] = computed.getPropertyValue(name);

  const fieldRect = field.getBoundingClientRect();
  const anchorRect = anchor.getBoundingClientRect();
  const borderLeft = parseFloat(computed.borderLeftWidth) || 0;
  const borderRight = parseFloat(computed.borderRightWidth) || 0;
  const borderTop = parseFloat(computed.borderTopWidth) || 0;
  const borderBottom = parseFloat(computed.borderBottomWidth) || 0;
  // A scrollbar takes room from the content box: widen the border on its side by as much, so
  // lines wrap at the same width as in the field (the scrollbar sits on the left in RTL).
  const scrollbarX = Math.max(0, field.offsetWidth - field.clientWidth - borderLeft - borderRight);
  const scrollbarY = Math.max(0, field.offsetHeight - field.clientHeight - borderTop - borderBottom);
  const rtl = computed.direction === 'rtl';
  if (scrollbarX > 0) {
    const side = rtl ? 'border-left-width' : 'border-right-width';
    box[side] = `${(rtl ? borderLeft : borderRight) + scrollbarX}px`;
  }
  if (scrollbarY > 0) box['border-bottom-width'] = `${borderBottom + scrollbarY}px`;

  Object.assign(box, {
    left: `${fieldRect.left - anchorRect.left}px`,
    top: `${fieldRect.top - anchorRect.top}px`,
    width: `${field.offsetWidth}px`,
    height: `${field.offsetHeight}px`,
  });

  const singleLine = field instanceof HTMLInputElement;
  const content: Record<string, string> = {
    // Inputs never wrap; textareas wrap as their computed white-space says (pre-wrap by default).
    'white-space': singleLine ? 'pre' : computed.getPropertyValue('white-space'),
    transform: `translate(${-field.scrollLeft}px, ${-field.scrollTop}px)`,
  };
  return { box, content };
}
