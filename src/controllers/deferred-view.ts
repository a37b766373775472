/**
 * `DeferredView`: an element's interface — what it renders and how it behaves — kept in a module
 * of its own that is imported when the first element of that kind connects.
 *
 * Why: the page's first script (Lit, the three tag definitions, their properties and styles)
 * stays small, and a page pays only for the elements it shows (`scripts/bundle-budget.mjs`). The
 * tags are still defined at once, with every property and method, so frameworks see properties
 * at render time and markup never sits undefined; until the view arrives the element draws its
 * empty frame (the styles are already there), and `updateComplete` waits for the view.
 *
 * The view is a reactive controller of its host (`hostConnected`, `hostUpdate`, ...), created
 * once per element; the module is imported once per page. A failed import (offline before the
 * module was ever cached, a blocked script) is reported as `slm-error` (`network-error`) and
 * shown in the frame, with a retry.
 */
import type { PropertyValues, ReactiveController, ReactiveControllerHost } from 'lit';
import { SlmError, errorText, type SlmErrorData } from '../engine/shared/errors.js';
import { SlmErrorEvent } from '../events/slm-error.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * What a deferred view module gives its element. The view reads the element's state and renders
 * it; the element forwards its update hooks, so the view acts on what changed (a view made after
 * the element's first updates starts from the element's state as it is).
 */
export interface ElementView {
  /** The element's template (called from the host's `render()`). */
  render(): unknown;
  /** Stops what the view is generating (the element's `stop()`). */
  stop(): void;
  /** The element's `willUpdate`: properties changed, before rendering. */
  willUpdate?(changed: PropertyValues): void;
  /** The element's `updated`: after rendering. */
  updated?(changed: PropertyValues): void;
}

/**
 * A module imported once per page, however many elements need it, and imported again after a
 * failed attempt. `loaded` is set once it has arrived, so later users can take it synchronously
 * (an element's view in its first update, the markdown renderer in a render).
 */
export class LazyModule<M> {
  loaded: M | undefined;
  private loading: Promise<M> | undefined;

  constructor(private readonly importer: () => Promise<M>) {}

  load(): Promise<M> {
    this.loading ??= this.importer().then(
      (module) => (this.loaded = module),
      (error: unknown) => {
        // The next element (or a retry) tries again.
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}

/** Creates its host's view from a `LazyModule` when the host first connects. */
export class DeferredView<M, V extends ElementView> implements ReactiveController {
  /** The view, once its module has arrived. */
  view: V | undefined;
  /** Why the view's module could not be loaded, or `null`. */
  failure: SlmErrorData | null = null;
  private pending: Promise<V> | undefined;
  /** How often `stop()` was called, so a request made before the view arrived sees a stop made meanwhile. */
  private stops = 0;

  constructor(
    private readonly host: Host,
    private readonly module: LazyModule<M>,
    private readonly create: (module: M) => V,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (!this.view && !this.module.loaded) this.ready().catch(() => {});
  }

  hostUpdate(): void {
    // When the module is already here the view is made before the first render: the page's later
    // elements never show an empty frame. (Made here, not in `hostConnected`: a controller added
    // while the host runs its controllers' `hostConnected` would be connected twice.)
    if (!this.view && this.module.loaded) this.view = this.create(this.module.loaded);
  }

  /** Resolves with the view, importing its module if needed; rejects when that fails. */
  ready(): Promise<V> {
    if (this.view) return Promise.resolve(this.view);
    this.pending ??= this.module.load().then(
      (module) => {
        this.view ??= this.create(module);
        this.failure = null;
        this.host.requestUpdate();
        return this.view;
      },
      (error: unknown) => {
        this.pending = undefined;
        const failure = new SlmError(
          'network-error',
          `<${this.host.localName}> could not load its interface (${errorText(error)}).`,
        );
        this.failure = failure.toJSON();
        this.host.dispatchEvent(new SlmErrorEvent(this.failure));
        this.host.requestUpdate();
        throw failure;
      },
    );
    return this.pending;
  }

  /** Runs `action` on the view now, or once it has arrived (never, if it cannot be loaded). */
  when(action: (view: V) => void): void {
    if (this.view) action(this.view);
    else this.ready().then(action, () => {});
  }

  /**
   * Starts a request on the view: synchronously when it is here (so a `stop()` right after
   * reaches it), else once it has arrived, and then stopped at once if `stop()` was called
   * meanwhile. `undefined` when the view cannot be loaded (already reported as `slm-error`).
   */
  async request<T>(start: (view: V) => T): Promise<T | undefined> {
    const stops = this.stops;
    const view = this.view ?? (await this.ready().catch(() => undefined));
    if (!view) return undefined;
    const result = start(view);
    if (stops !== this.stops) view.stop();
    return result;
  }

  /** The element's `stop()`: stops the view, and requests still waiting for it. */
  stop(): void {
    this.stops++;
    this.view?.stop();
  }

  /**
   * The host's `updateComplete` extended to the arrival of its view (for a connected host), so
   * after `await el.updateComplete` the interface is on screen. Call from `getUpdateComplete`
   * with the inherited one.
   */
  async updateComplete(inherited: () => Promise<boolean>): Promise<boolean> {
    const done = await inherited();
    if (this.view || !this.host.isConnected) return done;
    await this.ready().catch(() => {});
    return inherited();
  }
}
