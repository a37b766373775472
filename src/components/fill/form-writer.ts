/**
 * Puts values into form controls the way a person's typing would: through the controls' own
 * property setters and with `input` and `change` events, so frameworks that watch the DOM see the
 * change. React keeps its own copy of an input's value on the element; setting `value` through
 * the prototype's setter (not the element's own property) is what makes its next `input` event
 * count. Checkboxes and radios are clicked (React listens for `click` on them; the click fires
 * `input` and `change` too).
 *
 * Every control's state is recorded before it changes, so a whole fill is undone in one step;
 * a control whose new value fails `checkValidity()` (a date outside `min`/`max`, a length the
 * pattern did not bound) is put back at once, so whatever was filled is valid.
 */
import type { FormControl, FormField } from './form-schema.js';

/** The attribute set on every control a fill changed (pages may style it). */
export const FILLED_ATTRIBUTE = 'data-slm-filled';

/** A control's state before a fill. */
interface Snapshot {
  control: FormControl;
  value: string;
  checked: boolean;
  selected: boolean[];
}

/** What one fill did: the values it set, and how to take them back. */
export interface FillResult {
  /** Name → the value the control now has (see `SlmFillDetail.values`). */
  values: Record<string, unknown>;
  /** The controls' states before the fill (empty when nothing changed). */
  undo: Snapshot[];
}

/** Sets `value` through the prototype's setter (see the module comment). */
function setValue(control: FormControl, value: string): void {
  const prototype = Object.getPrototypeOf(control) as object;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the prototype's setter, called with the control as `this`
  const setter = Object.getOwnPropertyDescriptor(prototype, 'value')?.set;
  if (setter) setter.call(control, value);
  else control.value = value;
}

/** Tells listeners the control changed, as typing and choosing do. */
function announce(control: FormControl): void {
  const view = control.ownerDocument.defaultView ?? window;
  control.dispatchEvent(new view.Event('input', { bubbles: true, composed: true }));
  control.dispatchEvent(new view.Event('change', { bubbles: true }));
}

function snapshot(control: FormControl): Snapshot {
  return {
    control,
    value: control.value,
    checked: control.localName === 'input' ? (control as HTMLInputElement).checked : false,
    selected: control.localName === 'select' ? [...(control as HTMLSelectElement).options].map((o) => o.selected) : [],
  };
}

/** Whether a control's state differs from its snapshot. */
function changed(state: Snapshot): boolean {
  const now = snapshot(state.control);
  return now.value !== state.value || now.checked !== state.checked || now.selected.some((s, i) => s !== state.selected[i]);
}

/** Checks or unchecks a checkbox or radio by clicking it, if it is not so already. */
function setChecked(input: HTMLInputElement, checked: boolean): void {
  if (input.checked !== checked) input.click();
}

/** Puts a snapshot back, announcing controls that change. */
function restore(state: Snapshot): void {
  const { control } = state;
  control.removeAttribute(FILLED_ATTRIBUTE);
  if (control.localName === 'input' && ['checkbox', 'radio'].includes((control as HTMLInputElement).type)) {
    const input = control as HTMLInputElement;
    if (input.checked === state.checked) return;
    // A radio cannot be unchecked by a click; its group's checked radio is restored instead.
    if (input.type === 'radio' && !state.checked) {
      input.checked = false;
      announce(input);
    } else {
      setChecked(input, state.checked);
    }
    return;
  }
  if (control.localName === 'select') {
    const options = [...(control as HTMLSelectElement).options];
    if (options.every((o, i) => o.selected === state.selected[i])) return;
    options.forEach((o, i) => (o.selected = state.selected[i] ?? false));
    announce(control);
    return;
  }
  if (control.value === state.value) return;
  setValue(control, state.value);
  announce(control);
}

/** A number rounded to the field's step and kept within its bounds, as the input writes it. */
function stepped(value: number, step: NonNullable<FormField['step']>): number {
  let v = value;
  if (step.size > 0) v = step.base + Math.round((v - step.base) / step.size) * step.size;
  if (step.min !== undefined && v < step.min) v = step.min;
  if (step.max !== undefined && v > step.max) v = step.max;
  // As many decimals as the step and base have: 0.1 + 0.2 is written 0.3.
  const decimals = Math.max(...[step.size, step.base].map((n) => (String(n).split('.')[1] ?? '').length));
  return Number(v.toFixed(Math.min(decimals, 10)));
}

/** Writes one field's value; returns what the field now holds. */
function write(field: FormField, value: unknown): unknown {
  const [first] = field.controls;
  switch (field.kind) {
    case 'checkbox':
      setChecked(first as HTMLInputElement, value === true);
      return value === true;
    case 'checkboxes': {
      const wanted = new Set((Array.isArray(value) ? value : []).map(String));
      for (const control of field.controls) setChecked(control as HTMLInputElement, wanted.has(control.value));
      return field.controls.filter((c) => (c as HTMLInputElement).checked).map((c) => c.value);
    }
    case 'radio': {
      const radio = field.controls.find((c) => c.value === String(value));
      if (radio) setChecked(radio as HTMLInputElement, true);
      return radio?.value;
    }
    case 'select': {
      const select = first as HTMLSelectElement;
      const wanted = new Set((Array.isArray(value) ? value : [value]).map(String));
      for (const option of select.options) option.selected = wanted.has(option.value) && (select.multiple || option.value === String(value));
      announce(select);
      return select.multiple ? [...select.selectedOptions].map((o) => o.value) : select.value;
    }
    case 'number': {
      const number = stepped(Number(value), field.step!);
      setValue(first, String(number));
      announce(first);
      return number;
    }
    default:
      setValue(first, String(value));
      announce(first);
      return first.value;
  }
}

/**
 * Fills `fields` with `values` (the model's JSON object). Fields the object leaves out stay as
 * they are; a field whose controls fail `checkValidity()` afterwards is put back.
 */
export function fillForm(fields: ReadonlyMap<string, FormField>, values: Record<string, unknown>): FillResult {
  const result: FillResult = { values: {}, undo: [] };
  for (const [name, value] of Object.entries(values)) {
    const field = fields.get(name);
    if (!field || value === undefined || value === null) continue;
    const before = field.controls.map(snapshot);
    const written = write(field, value);
    if (field.controls.every((c) => c.checkValidity()) && written !== undefined) {
      result.values[name] = written;
      result.undo.push(...before);
      for (const state of before) if (changed(state)) state.control.setAttribute(FILLED_ATTRIBUTE, '');
    } else {
      for (const state of before) restore(state);
    }
  }
  return result;
}

/** Undoes a fill: every control it changed gets its earlier state back (in reverse order). */
export function undoFill(states: readonly Snapshot[]): void {
  for (const state of [...states].reverse()) restore(state);
}
