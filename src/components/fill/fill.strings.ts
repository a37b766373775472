/**
 * Every string `<slm-fill>` shows or announces. Pages translate the element by setting the
 * `strings` property to a partial object; anything left out keeps its English default.
 */
import { DEFAULT_STATUS_STRINGS, type StatusStrings } from '../shared/status.js';

export interface FillStrings extends StatusStrings {
  /** Label of the field the text is typed or pasted into. */
  inputLabel: string;
  placeholder: string;
  /** The button that fills the form. */
  fill: string;
  stop: string;
  /** The button that undoes the last fill. */
  undo: string;
  /** Summary after a fill: `{count}` is replaced by how many fields were filled. */
  filled: string;
  /** After a fill that found nothing to fill. */
  nothingFilled: string;
  /** After `undo()`. */
  undone: string;
  /** `for` names no form: `{id}` is replaced. */
  noForm: string;
  /** Nothing left to fill (every eligible control already has a value; `overwrite` is off). */
  nothingToFill: string;
  /** Instructions given to the model with the text (a system message). */
  instructions: string;
}

/** English defaults. */
export const DEFAULT_FILL_STRINGS: FillStrings = {
  ...DEFAULT_STATUS_STRINGS,
  inputLabel: 'Text to fill the form from',
  placeholder: 'Paste or type text, e.g. an email signature or a message…',
  fill: 'Fill form',
  stop: 'Stop',
  undo: 'Undo fill',
  filled: 'Filled {count} fields.',
  nothingFilled: 'Nothing in the text matched the form.',
  undone: 'The fill was undone.',
  noForm: 'No form with id "{id}" was found.',
  nothingToFill: 'Every field already has a value (set overwrite to replace them).',
  instructions:
    'Extract the values for a form from the text the user gives. Reply with one JSON object whose keys are the form fields. Leave out fields the text does not mention; never invent values.',
};
