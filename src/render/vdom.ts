/**
 * A minimal description of the DOM to build, and a patcher that brings real nodes up to date
 * with it, touching only what changed.
 *
 * The open end of a streaming reply is re-parsed on every token; describing its DOM first and
 * then patching keeps the elements a reader (and a screen reader, and a text selection) sees
 * stable: a paragraph keeps one `<p>` from its first token to its last, a code block's text
 * node only grows. Parts that cannot change any more (finished list items, settled sentences of
 * a paragraph) are the *same* `VNode` objects from one render to the next, which the patcher
 * skips by identity: that is what keeps a token's cost flat however long the reply is.
 *
 * Nodes are created with `createElement` / `createTextNode` and attributes set one by one:
 * there is no HTML sink here.
 */

/** A text node to render. */
export interface VText {
  readonly kind: 'text';
  readonly text: string;
  /** The node once created; a `VText` is rendered at most once (then reused by identity). */
  node?: Text;
}

/** An element to render. */
export interface VElement {
  readonly kind: 'element';
  readonly tag: string;
  /** Attributes as name/value pairs, in order. */
  readonly attrs: readonly (readonly [string, string])[];
  /** `text-align` of a table cell: set through the CSSOM so that a strict CSP allows it. */
  readonly align?: string;
  readonly children: readonly VNode[];
  node?: Element;
}

export type VNode = VText | VElement;

/** A text `VNode`. */
export function vtext(text: string): VText {
  return { kind: 'text', text };
}

/** An element `VNode`. */
export function velement(tag: string, attrs: readonly (readonly [string, string])[], children: readonly VNode[], align?: string): VElement {
  return align ? { kind: 'element', tag, attrs, children, align } : { kind: 'element', tag, attrs, children };
}

/** Creates the DOM for `vnode` (reusing the nodes of descendants that already have one). */
export function create(doc: Document, vnode: VNode): Node {
  if (vnode.node) return vnode.node;
  if (vnode.kind === 'text') return (vnode.node = doc.createTextNode(vnode.text));
  const element = doc.createElement(vnode.tag);
  for (const [name, value] of vnode.attrs) element.setAttribute(name, value);
  if (vnode.align) (element).style.textAlign = vnode.align;
  for (const child of vnode.children) element.appendChild(create(doc, child));
  return (vnode.node = element);
}

function sameShape(a: VElement, b: VElement): boolean {
  if (a.tag !== b.tag || a.align !== b.align || a.attrs.length !== b.attrs.length) return false;
  for (let i = 0; i < a.attrs.length; i++) {
    if (a.attrs[i][0] !== b.attrs[i][0] || a.attrs[i][1] !== b.attrs[i][1]) return false;
  }
  return true;
}

/** Marks the `VNode`s that one `patchChildren` call reuses by identity. */
let patchStamp = 0;
const stamps = new WeakMap<VNode, number>();

/**
 * Makes the children of `parent` after `before` (all of them when `before` is null) match
 * `next`, given that they currently match `previous`. Nodes of `previous` that `next` keeps
 * (same object) are left alone; others are patched in place when their shape allows, so an
 * element survives while only its text changes.
 */
export function patchChildren(doc: Document, parent: Node, before: Node | null, previous: readonly VNode[], next: readonly VNode[]): void {
  // The usual case: a long run of unchanged children (finished items, settled sentences) and
  // a changed end. Skip the run without touching the DOM.
  let i = 0;
  while (i < next.length && i < previous.length && next[i] === previous[i] && next[i].node) i++;
  let placed: Node | null = i > 0 ? next[i - 1].node! : before;
  if (i === next.length && i === previous.length) return;
  // Nodes that `next` reuses by identity must not be patched into something else.
  const stamp = ++patchStamp;
  for (let j = i; j < next.length; j++) if (next[j].node) stamps.set(next[j], stamp);
  for (; i < next.length; i++) {
    const vnode = next[i];
    const old = previous[i];
    let node: Node;
    if (vnode.node) {
      node = vnode.node;
    } else if (old?.node && stamps.get(old) !== stamp && old.kind === vnode.kind && (old.kind === 'text' || sameShape(old, vnode as VElement))) {
      node = old.node;
      if (vnode.kind === 'text') patchText(node as Text, (old as VText).text, vnode.text);
      else patchChildren(doc, node, null, (old as VElement).children, vnode.children);
      vnode.node = node as Text & Element;
    } else {
      node = create(doc, vnode);
    }
    // Computed afresh: creating `node` may have moved reused nodes (the old cursor among them).
    const cursor = placed ? placed.nextSibling : parent.firstChild;
    if (node !== cursor) parent.insertBefore(node, cursor);
    placed = node;
  }
  // Whatever follows the last kept node is gone from the description.
  for (let cursor = placed ? placed.nextSibling : parent.firstChild; cursor; ) {
    const following: ChildNode | null = cursor.nextSibling;
    parent.removeChild(cursor);
    cursor = following;
  }
}

/** Changes a text node's data, appending when the new text only grew (a code block's usual case). */
function patchText(node: Text, previous: string, next: string): void {
  if (previous === next) return;
  if (next.startsWith(previous)) node.appendData(next.slice(previous.length));
  else node.data = next;
}
