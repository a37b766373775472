/**
 * `EngineController`: gives an element the engine it generates with, and re-renders the element
 * when that engine's status or progress changes.
 *
 * The engine is the one of the nearest `<slm-provider>`. An element without a provider that has
 * its own `model` (plus optional `device`, `dtype`, `modelBaseUrl`, `wasmBaseUrl`: the
 * `ModelSettings` properties, set as attributes or from JavaScript) uses a page-wide engine shared
 * by every element with the same configuration; it then reports `slm-progress`, `slm-ready`,
 * `slm-warning` and `slm-error` itself, as a provider would.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { engineContext, type SlmEngine } from '../context/engine-context.js';
import { LocalEngine } from '../engine/page/local-engine.js';
import { parseEngineConfig, type RawEngineConfig } from '../engine/shared/settings.js';
import { acquireSharedEngine, releaseSharedEngine } from '../engine/page/shared-engines.js';
import { ENGINE_EVENT_TYPES, slmEventFor } from '../events/engine-events.js';
import { SlmErrorEvent } from '../events/slm-error.js';
import type { ModelSettings } from '../components/shared/model-settings.js';

type Host = ReactiveControllerHost & HTMLElement & ModelSettings;

/** Consumes the provider's engine (or a page-wide one) and keeps the host in sync with it. */
export class EngineController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof engineContext, Host>;
  private subscribed: SlmEngine | undefined;
  /** The page-wide engine this host holds while it has no provider. */
  private own: LocalEngine | undefined;
  /** Whether `own` came from `acquireSharedEngine` (and must be released there). */
  private ownIsShared = false;
  /** The host's model settings `own` was made for (a change means another engine). */
  private ownFor: string | undefined;

  private readonly onEngineEvent = (event: Event) => {
    this.host.requestUpdate();
    if (!this.own || event.target !== this.own) return;
    // Without a provider nobody else reports the engine's state: the element does.
    const reported = slmEventFor(event);
    if (reported) this.host.dispatchEvent(reported);
  };

  constructor(private readonly host: Host) {
    // `subscribe: true`: a provider that upgrades or changes later still reaches this element.
    this.consumer = new ContextConsumer(host, {
      context: engineContext,
      subscribe: true,
      callback: (engine) => {
        if (engine) this.dropOwn();
        this.follow(engine ?? this.own);
      },
    });
    host.addController(this);
  }

  /** The engine to use, or `undefined` with neither a provider nor a `model`. */
  get engine(): SlmEngine | undefined {
    // Also read before the host's first update (a request made right after the element was
    // created and given its properties), so the settings are looked at here too.
    if (!this.consumer.value) this.syncOwn();
    return this.consumer.value ?? this.own;
  }

  hostConnected(): void {
    // The consumer asked for the context just before this runs: no value means no provider.
    if (!this.consumer.value) this.syncOwn();
    this.follow(this.engine);
  }

  hostUpdate(): void {
    if (!this.consumer.value) this.syncOwn();
  }

  hostDisconnected(): void {
    this.dropOwn();
    this.follow(undefined);
  }

  /**
   * (Re)acquires the page-wide engine when the host's model settings changed. Only while the host
   * is on the page: an update after it left (a stopped reply re-rendering) must not take an engine
   * nobody would release.
   */
  private syncOwn(): void {
    if (!this.host.isConnected) return;
    const { model, device, dtype, modelBaseUrl, wasmBaseUrl, share } = this.host;
    const raw: RawEngineConfig = { model, device, dtype, modelBaseUrl, wasmBaseUrl, share };
    const key = JSON.stringify(raw);
    if (key === this.ownFor) return;
    this.dropOwn();
    this.ownFor = key;
    if (model) {
      const parsed = parseEngineConfig(raw, document.baseURI);
      if (parsed.ok) {
        this.own = acquireSharedEngine(parsed.value);
        this.ownIsShared = true;
      } else {
        // A refused setting gets an engine of its own that only carries the error.
        this.own = new LocalEngine();
        this.own.configure(parsed.error);
      }
    }
    this.follow(this.own);
    if (this.own?.error) this.host.dispatchEvent(new SlmErrorEvent(this.own.error));
  }

  private dropOwn(): void {
    const own = this.own;
    this.own = undefined;
    this.ownFor = undefined;
    if (own && this.ownIsShared) releaseSharedEngine(own);
    this.ownIsShared = false;
  }

  private follow(engine: SlmEngine | undefined): void {
    if (engine === this.subscribed) return;
    for (const type of ENGINE_EVENT_TYPES) this.subscribed?.removeEventListener(type, this.onEngineEvent);
    this.subscribed = engine;
    for (const type of ENGINE_EVENT_TYPES) engine?.addEventListener(type, this.onEngineEvent);
    this.host.requestUpdate();
  }
}
