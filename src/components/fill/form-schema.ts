/**
 * A JSON Schema derived from a form: one property per named control (radio buttons and
 * checkboxes that share a name are one property), typed and bounded by what the control accepts,
 * so that every value the model may produce is one the control takes and validates
 * (`checkValidity()`). `form-writer.ts` puts the values back.
 *
 * | Control | Schema |
 * | --- | --- |
 * | `text`, `search` (no `pattern`) | string, `maxLength` (the control's, else 200), `minLength` |
 * | `pattern` on a text-like input | string whose whole value matches it (lengths then checked after filling) |
 * | `email` / `url` | `format: "email"` / `"uri"` (an `http(s)` URL) |
 * | `tel` | digits, spaces and dashes, an optional leading `+` |
 * | `number`, `range` | integer (a whole `step` from a whole base) or number, `minimum`/`maximum` from `min`/`max` |
 * | `date` | a real calendar day, its year within `min`/`max` |
 * | `time` | `HH:MM` |
 * | `color` | `#rrggbb` |
 * | `textarea` | string, `maxLength` (the control's, else 500), `minLength` |
 * | one `checkbox` | boolean |
 * | checkboxes sharing a name | array of their values |
 * | `radio` group, `select` | `enum` of the option values (`select multiple`: array of them) |
 *
 * `required` controls are required properties; the label text (or `aria-label`, `placeholder`,
 * `title`) is each property's `description`. Password, file, hidden, button-like, disabled and
 * read-only controls are never described, nor (unless `overwrite`) controls that already hold a
 * value the user or the page gave them.
 */

import { MONTH_DAY, digitRangePattern } from '../../engine/shared/formats.js';

/** A form control `<slm-fill>` may fill. */
export type FormControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** How a field's value is written into its controls. */
export type FieldKind = 'value' | 'number' | 'checkbox' | 'checkboxes' | 'radio' | 'select';

/** One property of the schema and the controls behind it. */
export interface FormField {
  name: string;
  kind: FieldKind;
  /** The control, or every control of a radio group / checkbox group. */
  controls: FormControl[];
  /** What the label says (the property's description). */
  label: string;
  schema: Record<string, unknown>;
  required: boolean;
  /** Number inputs: values are rounded to this step from `base` and kept within `min`/`max`. */
  step?: { base: number; size: number; min?: number | undefined; max?: number | undefined };
}

/** The form as the model sees it. */
export interface FormDescription {
  /** The JSON Schema of the reply. */
  schema: Record<string, unknown>;
  fields: Map<string, FormField>;
}

/** Input types that are never filled. */
const NEVER = new Set(['password', 'file', 'hidden', 'submit', 'reset', 'button', 'image']);
/** Input types that are filled (others, such as `week`, are left alone). */
const TEXT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'number', 'range', 'date', 'time', 'color', 'checkbox', 'radio']);

/** Bounded defaults for free text, so a model cannot ramble until its budget ends. */
const TEXT_MAX = 200;
const TEXTAREA_MAX = 500;

const isControl = (element: Element): element is FormControl =>
  element.localName === 'input' || element.localName === 'select' || element.localName === 'textarea';

/** Whether `<slm-fill>` may ever fill this control (see the module comment). */
export function isFillable(control: Element): control is FormControl {
  if (!isControl(control) || !control.name) return false;
  if (control.localName === 'input' && !TEXT_TYPES.has((control as HTMLInputElement).type)) return false;
  if (control.localName === 'input' && NEVER.has((control as HTMLInputElement).type)) return false;
  if (control.matches(':disabled')) return false;
  if ('readOnly' in control && control.readOnly) return false;
  return true;
}

/** Whether the control (or group) holds a value someone gave it: not its default, or not empty. */
function isFilled(kind: FieldKind, controls: FormControl[]): boolean {
  const first = controls[0];
  if (kind === 'checkbox' || kind === 'checkboxes' || kind === 'radio') {
    return controls.some((c) => (c as HTMLInputElement).checked !== (c as HTMLInputElement).defaultChecked);
  }
  if (kind === 'select') {
    // A single select with no `selected` option shows its first one: that is its default.
    const select = first as HTMLSelectElement;
    const options = [...select.options];
    const defaults = options.some((o) => o.defaultSelected) || select.multiple ? options.map((o) => o.defaultSelected) : options.map((_, i) => i === 0);
    return options.some((o, i) => o.selected !== defaults[i]);
  }
  const input = first as HTMLInputElement;
  // Range and colour inputs always hold a value: only a changed one counts.
  if (input.type === 'range' || input.type === 'color') return input.value !== input.defaultValue;
  return first.value !== '';
}

/** The text that names a control for a person: its label, else `aria-label`, `placeholder`, `title`, its name. */
function labelOf(control: FormControl): string {
  const fromLabels = [...(control.labels ?? [])].map((label) => label.textContent?.trim() ?? '').filter(Boolean).join(' ');
  const text =
    fromLabels ||
    control.getAttribute('aria-label') ||
    control.getAttribute('placeholder') ||
    control.getAttribute('title') ||
    control.name;
  return text.replace(/\s+/g, ' ').trim();
}

/** A group's name for a person: its fieldset's legend, else its first control's label. */
function groupLabel(controls: FormControl[]): string {
  const legend = controls[0].closest('fieldset')?.querySelector('legend')?.textContent?.trim();
  return (legend || labelOf(controls[0])).replace(/\s+/g, ' ').trim();
}

/** A number attribute, or `undefined` when absent or not a number. */
function numberAttribute(control: HTMLInputElement, name: string): number | undefined {
  const raw = control.getAttribute(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** String lengths from `minlength` / `maxlength` (`maxlength` absent: `fallback`). */
function lengths(control: HTMLInputElement | HTMLTextAreaElement, fallback: number): Record<string, number> {
  const max = control.maxLength >= 0 ? control.maxLength : fallback;
  const min = control.minLength > 0 ? Math.min(control.minLength, max) : undefined;
  return { maxLength: max, ...(min !== undefined ? { minLength: min } : {}) };
}

/** The schema of a text-like input (see the table in the module comment). */
function textSchema(input: HTMLInputElement): Record<string, unknown> {
  const pattern = input.getAttribute('pattern');
  // HTML patterns match the whole value; JSON Schema patterns match anywhere unless anchored.
  if (pattern) return { type: 'string', pattern: `^(?:${pattern})$` };
  switch (input.type) {
    case 'email':
      return { type: 'string', format: 'email' };
    case 'url':
      return { type: 'string', format: 'uri' };
    case 'tel':
      return { type: 'string', pattern: '^[+]?[0-9][0-9 -]{3,18}[0-9]$' };
    case 'date':
      return { type: 'string', pattern: `^${dateYears(input)}-${MONTH_DAY}$` };
    case 'time':
      return { type: 'string', pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$' };
    case 'color':
      return { type: 'string', pattern: '^#[0-9a-f]{6}$' };
    default:
      return { type: 'string', ...lengths(input, TEXT_MAX) };
  }
}

/**
 * The years a date input's `min` and `max` allow whole (a year the bound cuts is left out, unless
 * none would be left), as a pattern; 1000–9999 without bounds (HTML needs a year above 0).
 */
function dateYears(input: HTMLInputElement): string {
  const bound = (name: string) => /^(\d{4})-(\d{2}-\d{2})$/.exec(input.getAttribute(name) ?? '');
  const min = bound('min');
  const max = bound('max');
  let from = min ? Number(min[1]) + (min[2] === '01-01' ? 0 : 1) : 1000;
  let to = max ? Number(max[1]) - (max[2] === '12-31' ? 0 : 1) : 9999;
  if (from > to) {
    // A range inside one year: its year, and `checkValidity()` after filling decides.
    from = min ? Number(min[1]) : to;
    to = Math.max(from, max ? Number(max[1]) : from);
  }
  return `(?:${digitRangePattern(Math.max(from, 1), Math.min(to, 9999), 4)})`;
}

/** The schema of a number or range input, and the step its value is rounded to. */
function numberSchema(input: HTMLInputElement): { schema: Record<string, unknown>; step: NonNullable<FormField['step']> } {
  const range = input.type === 'range';
  const min = numberAttribute(input, 'min') ?? (range ? 0 : undefined);
  const max = numberAttribute(input, 'max') ?? (range ? 100 : undefined);
  const stepAttribute = input.getAttribute('step')?.trim().toLowerCase();
  const any = stepAttribute === 'any';
  const size = any ? 0 : Number(stepAttribute) > 0 ? Number(stepAttribute) : 1;
  const base = min ?? 0;
  const whole = !any && Number.isInteger(size) && Number.isInteger(base);
  const schema: Record<string, unknown> = {
    type: whole ? 'integer' : 'number',
    ...(min !== undefined ? { minimum: min } : {}),
    ...(max !== undefined ? { maximum: max } : {}),
  };
  return { schema, step: { base, size, min, max } };
}

/**
 * Describes the fillable controls of `form` (see the module comment). With `overwrite`, controls
 * that already hold a value are described too.
 */
export function describeForm(form: HTMLFormElement, overwrite: boolean): FormDescription {
  const groups = new Map<string, FormControl[]>();
  for (const element of [...form.elements]) {
    if (!isFillable(element)) continue;
    const list = groups.get(element.name) ?? [];
    list.push(element);
    groups.set(element.name, list);
  }
  const fields = new Map<string, FormField>();
  for (const [name, controls] of groups) {
    const first = controls[0];
    const type = first.localName === 'input' ? (first as HTMLInputElement).type : first.localName;
    // One name, one kind of control: a name shared by different kinds is ambiguous, and left alone.
    if (controls.some((c) => (c.localName === 'input' ? (c as HTMLInputElement).type : c.localName) !== type)) continue;
    let field: FormField;
    const required = controls.some((c) => c.required);
    if (type === 'radio') {
      const values = controls.map((c) => c.value);
      const options = controls.map((c) => `${c.value} (${labelOf(c)})`).join(', ');
      field = { name, kind: 'radio', controls, label: groupLabel(controls), required, schema: { enum: values, description: `${groupLabel(controls)}: one of ${options}` } };
    } else if (type === 'checkbox' && controls.length > 1) {
      const values = controls.map((c) => c.value);
      field = {
        name,
        kind: 'checkboxes',
        controls,
        label: groupLabel(controls),
        required: false,
        schema: { type: 'array', items: { enum: values }, maxItems: values.length },
      };
    } else if (type === 'checkbox') {
      // Never required: a required checkbox is a consent, which only a person may give.
      field = { name, kind: 'checkbox', controls, label: labelOf(first), required: false, schema: { type: 'boolean' } };
    } else if (type === 'select') {
      const select = first as HTMLSelectElement;
      const values = [...select.options].filter((o) => !o.disabled && !(o.value === '' && select.required)).map((o) => o.value);
      if (values.length === 0) continue;
      const schema = select.multiple ? { type: 'array', items: { enum: values }, maxItems: values.length } : { enum: values };
      field = { name, kind: 'select', controls, label: labelOf(select), required, schema };
    } else if (controls.length > 1) {
      continue;
    } else if (type === 'textarea') {
      field = { name, kind: 'value', controls, label: labelOf(first), required, schema: { type: 'string', ...lengths(first as HTMLTextAreaElement, TEXTAREA_MAX) } };
    } else if (type === 'number' || type === 'range') {
      const { schema, step } = numberSchema(first as HTMLInputElement);
      field = { name, kind: 'number', controls, label: labelOf(first), required, schema, step };
    } else {
      field = { name, kind: 'value', controls, label: labelOf(first), required, schema: textSchema(first as HTMLInputElement) };
    }
    if (!overwrite && isFilled(field.kind, controls)) continue;
    field.schema = { ...field.schema, description: (field.schema.description) ?? field.label };
    fields.set(name, field);
  }
  const schema = {
    type: 'object',
    properties: Object.fromEntries([...fields.values()].map((f) => [f.name, f.schema])),
    required: [...fields.values()].filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
  return { schema, fields };
}
