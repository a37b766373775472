/**
 * Base of every `slm-*` event: bubbles, crosses shadow roots (`composed`), and carries a typed,
 * read-only `detail` (like `CustomEvent`, but a class per event so listeners and the
 * custom-elements manifest know each event's shape).
 */
export abstract class SlmEvent<Detail> extends Event {
  readonly detail: Detail;

  constructor(type: `slm-${string}`, detail: Detail, init: { cancelable?: boolean } = {}) {
    super(type, { bubbles: true, composed: true, cancelable: init.cancelable ?? false });
    this.detail = detail;
  }
}
