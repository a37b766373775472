/**
 * `EngineController`: gives an element the engine it generates with, and re-renders the element
 * when that engine's status or progress changes.
 *
 * The engine is the one of the nearest `<slm-provider>`. An element without a provider that has
 * its own `model` attribute (plus optional `device`, `dtype`, `model-base-url`, `wasm-base-url`)
 * uses a page-wide engine shared by every element with the same configuration; it then reports
 * `slm-progress`, `slm-ready`, `slm-warning` and `slm-error` itself, as a provider would.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { engineContext, type SlmEngine } from '../context/engine-context.js';
import { LocalEngine } from '../engine/page/local-engine.js';
import { parseEngineConfig } from '../engine/page/options.js';
import { acquireSharedEngine, releaseSharedEngine } from '../engine/page/shared-engines.js';
import { ENGINE_EVENT_TYPES, slmEventFor } from '../events/engine-events.js';
import { SlmErrorEvent } from '../events/slm-error.js';

type Host = ReactiveControllerHost & HTMLElement;


/** Attributes that configure a page-wide engine when there is no provider. */
const ENGINE_ATTRIBUTES = ['model', 'device', 'dtype', 'model-base-url', 'wasm-base-url'];

/** Consumes the provider's engine (or a page-wide one) and keeps the host in sync with it. */
export class EngineController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof engineContext, Host>;
  private subscribed: SlmEngine | undefined;
  /** The page-wide engine this host holds while it has no provider. */
  private own: LocalEngine | undefined;
  /** Whether `own` came from `acquireSharedEngine` (and must be released there). */
  private ownIsShared = false;
  private readonly attributes = new MutationObserver(() => this.refreshOwn());

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

  /** The engine to use, or `undefined` with neither a provider nor a `model` attribute. */
  get engine(): SlmEngine | undefined {
    return this.consumer.value ?? this.own;
  }

  hostConnected(): void {
    // The consumer asked for the context just before this runs: no value means no provider.
    if (!this.consumer.value) {
      this.attributes.observe(this.host, { attributeFilter: ENGINE_ATTRIBUTES });
      this.refreshOwn();
    }
    this.follow(this.engine);
  }

  hostDisconnected(): void {
    this.attributes.disconnect();
    this.dropOwn();
    this.follow(undefined);
  }

  /** (Re)acquires the page-wide engine for the host's current attributes. */
  private refreshOwn(): void {
    if (this.consumer.value) return;
    this.dropOwn();
    if (this.host.hasAttribute('model')) {
      const attr = (name: string) => this.host.getAttribute(name);
      const parsed = parseEngineConfig(
        {
          model: attr('model'),
          device: attr('device'),
          dtype: attr('dtype'),
          modelBaseUrl: attr('model-base-url'),
          wasmBaseUrl: attr('wasm-base-url'),
        },
        document.baseURI,
      );
      if (parsed.ok) {
        this.own = acquireSharedEngine(parsed.value);
        this.ownIsShared = true;
      } else {
        // A refused attribute gets an engine of its own that only carries the error.
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
