/**
 * Every string `<slm-complete>` shows or announces. Pages translate the element by setting the
 * `strings` property to a partial object; anything left out keeps its English default.
 */
import { DEFAULT_STATUS_STRINGS, type StatusStrings } from '../shared/status.js';

export interface CompleteStrings extends StatusStrings {
  /** Accessible name of the output box. */
  outputLabel: string;
  /** The button that starts a completion. */
  run: string;
  stop: string;
  copy: string;
  /** The copy button's label for a moment after copying. */
  copied: string;
  /**
   * Announced (politely, once) when a ghost-text suggestion is complete: `{text}` is replaced by
   * the suggestion. Mention the keys that accept and dismiss it.
   */
  suggestion: string;
  /** Announced once a suggestion has been inserted into the field. */
  accepted: string;
}

/** English defaults. */
export const DEFAULT_COMPLETE_STRINGS: CompleteStrings = {
  ...DEFAULT_STATUS_STRINGS,
  outputLabel: 'Completion',
  run: 'Complete',
  stop: 'Stop',
  copy: 'Copy',
  copied: 'Copied',
  suggestion: 'Suggestion: {text}. Press Tab to accept or Escape to dismiss.',
  accepted: 'Suggestion inserted.',
};
