/**
 * `EngineController`: gives an element the engine of its nearest `<slm-provider>` and re-renders
 * the element when that engine's status or progress changes.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { engineContext, type SlmEngine } from '../context/engine-context.js';

type Host = ReactiveControllerHost & HTMLElement;

const ENGINE_EVENTS = ['status-change', 'progress', 'ready'] as const;

/** Consumes the shared engine and keeps the host in sync with it. */
export class EngineController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof engineContext, Host>;
  private subscribed: SlmEngine | undefined;
  private readonly onEngineEvent = () => this.host.requestUpdate();

  constructor(private readonly host: Host) {
    // `subscribe: true`: a provider that upgrades or changes later still reaches this element.
    this.consumer = new ContextConsumer(host, {
      context: engineContext,
      subscribe: true,
      callback: (engine) => this.follow(engine),
    });
    host.addController(this);
  }

  /** The shared engine, or `undefined` when the element has no `<slm-provider>` ancestor. */
  get engine(): SlmEngine | undefined {
    return this.consumer.value;
  }

  hostConnected(): void {
    this.follow(this.consumer.value);
  }

  hostDisconnected(): void {
    this.follow(undefined);
  }

  private follow(engine: SlmEngine | undefined): void {
    if (engine === this.subscribed) return;
    for (const type of ENGINE_EVENTS) this.subscribed?.removeEventListener(type, this.onEngineEvent);
    this.subscribed = engine;
    for (const type of ENGINE_EVENTS) engine?.addEventListener(type, this.onEngineEvent);
    this.host.requestUpdate();
  }
}
