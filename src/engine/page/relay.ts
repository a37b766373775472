/**
 * `share="origin"` where a `SharedWorker` is not available (Chrome on Android has none) or cannot
 * start: one tab of the origin is elected host with the Web Locks API and runs the model in its
 * own worker; the other tabs reach that worker through the host, over a `BroadcastChannel`.
 *
 * - **Election.** Every tab that wants the engine asks for the lock `slm-relay-host <name>`; the
 *   browser grants it to one tab at a time. The holder starts the model worker and announces
 *   itself (`host`, with a new `term`) on the channel.
 * - **Connections.** Each engine in a tab opens a `RelayPort`. The host gives each one a
 *   `MessageChannel` to its worker (the worker serves it like any page, `connection.ts`), and
 *   passes messages between that channel and the tab over the `BroadcastChannel`, addressed by
 *   the port's id. Messages sent before a host is known wait.
 * - **Failover.** When the host tab closes or crashes, the browser releases its lock and grants it
 *   to the next tab waiting, which starts a worker (the model comes from Cache Storage, no
 *   network) and announces a new term. Ports of the old term are lost: their requests fail with
 *   the error `onLost` chooses (the engine runs them again), and the next request opens a new port.
 *
 * Only what crosses a `BroadcastChannel` goes between tabs: structured-clonable protocol messages.
 * Every tab of the origin can read them, exactly as every tab can open the same shared worker;
 * other origins cannot.
 */
import { startModelWorker } from './worker-client.js';

/** Whether this browser can elect a host tab and relay to it. */
export function relayAvailable(): boolean {
  return typeof BroadcastChannel !== 'undefined' && typeof navigator !== 'undefined' && Boolean(navigator.locks) && typeof Worker !== 'undefined';
}

/** What travels on the channel. */
type RelayMessage =
  /** A tab asks who hosts. */
  | { kind: 'who' }
  /** The host (of `term`) is ready for connections. */
  | { kind: 'host'; term: string }
  /** A tab opens a connection `port` (to the host of `term`). */
  | { kind: 'open'; port: string; term: string }
  /** Protocol message for the worker from `port`, or (with `back`) for `port` from the worker. */
  | { kind: 'msg'; port: string; term: string; data: unknown; back?: boolean }
  /** A tab closes `port`. */
  | { kind: 'close'; port: string; term: string };

/**
 * One end of a connection to the host's worker, usable where a `MessagePort` is (what
 * `WorkerClient` needs: `postMessage`, `message` events, `start`, `close`), plus `lost`: the host
 * of its term went away.
 */
export class RelayPort extends EventTarget {
  readonly id = crypto.randomUUID();
  /** The host's term this port is connected to, once one is known. */
  term: string | undefined;
  private readonly waiting: unknown[] = [];
  private closed = false;

  constructor(private readonly hub: RelayHub) {
    super();
  }

  postMessage(data: unknown): void {
    if (this.closed) return;
    if (this.term === undefined) this.waiting.push(data);
    else this.hub.send({ kind: 'msg', port: this.id, term: this.term, data });
  }

  start(): void {
    // Messages are dispatched as they arrive; nothing to start.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.term !== undefined) this.hub.send({ kind: 'close', port: this.id, term: this.term });
    this.hub.forget(this);
  }

  /** @internal A host of `term` is there: connect, then send what waited. */
  connect(term: string): void {
    if (this.closed || this.term !== undefined) return;
    this.term = term;
    this.hub.send({ kind: 'open', port: this.id, term });
    for (const data of this.waiting.splice(0)) this.hub.send({ kind: 'msg', port: this.id, term, data });
  }

  /** @internal A message from the worker. */
  deliver(data: unknown): void {
    if (!this.closed) this.dispatchEvent(new MessageEvent('message', { data }));
  }

  /** @internal The host of this port's term is gone. */
  lose(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.forget(this);
    this.dispatchEvent(new Event('lost'));
  }
}

/** The host's side of one tab's connection: a channel to the worker. */
interface Hosted {
  channel: MessageChannel;
}

/** This tab's part in the relay for one configuration (`name`): its ports, and the host role when elected. */
class RelayHub {
  private readonly channel: BroadcastChannel;
  private readonly ports = new Map<string, RelayPort>();
  /** The current host's term, as far as this tab knows. */
  private term: string | undefined;
  /** Set while this tab hosts: its worker and the connections it serves. */
  private hosting: { term: string; worker: Worker; connections: Map<string, Hosted> } | undefined;

  constructor(name: string) {
    this.channel = new BroadcastChannel(`slm-relay ${name}`);
    this.channel.onmessage = (event: MessageEvent<RelayMessage>) => this.receive(event.data);
    // Waits for the lock as long as the page lives; granted, this tab hosts until it goes away.
    void navigator.locks.request(`slm-relay-host ${name}`, () => {
      this.host();
      return new Promise<never>(() => {});
    });
    this.channel.postMessage({ kind: 'who' } satisfies RelayMessage);
  }

  open(): RelayPort {
    const port = new RelayPort(this);
    this.ports.set(port.id, port);
    if (this.term !== undefined) port.connect(this.term);
    return port;
  }

  forget(port: RelayPort): void {
    this.ports.delete(port.id);
  }

  /** Sends to the host (or, as the host, handles it here: a channel does not deliver to itself). */
  send(message: RelayMessage): void {
    if (this.hosting && message.kind !== 'host' && message.kind !== 'who' && !(message.kind === 'msg' && message.back)) {
      this.serve(message);
    } else {
      this.channel.postMessage(message);
    }
  }

  private receive(message: RelayMessage): void {
    switch (message.kind) {
      case 'who':
        if (this.hosting) this.channel.postMessage({ kind: 'host', term: this.hosting.term } satisfies RelayMessage);
        break;
      case 'host':
        this.newTerm(message.term);
        break;
      case 'msg':
        if (message.back) this.ports.get(message.port)?.deliver(message.data);
        else this.serve(message);
        break;
      case 'open':
      case 'close':
        this.serve(message);
        break;
    }
  }

  /** A host (this tab or another) announced `term`: ports of an older term are lost; the others connect. */
  private newTerm(term: string): void {
    if (this.term === term) return;
    this.term = term;
    for (const port of [...this.ports.values()]) {
      if (port.term !== undefined && port.term !== term) port.lose();
      else port.connect(term);
    }
  }

  /** This tab was elected: it starts the model worker and announces itself. */
  private host(): void {
    const term = crypto.randomUUID();
    const worker = startModelWorker();
    this.hosting = { term, worker, connections: new Map() };
    // A worker that cannot start (or dies) loses every connection of this term.
    worker.addEventListener('error', () => {
      for (const port of [...this.ports.values()]) if (port.term === term) port.lose();
    });
    this.channel.postMessage({ kind: 'host', term } satisfies RelayMessage);
    this.newTerm(term);
  }

  /** As the host: a tab's message for the worker. */
  private serve(message: RelayMessage): void {
    const hosting = this.hosting;
    if (!hosting || !('term' in message) || message.term !== hosting.term) return;
    if (message.kind === 'open') {
      if (hosting.connections.has(message.port)) return;
      const channel = new MessageChannel();
      hosting.worker.postMessage({ type: 'connect', id: 0 }, [channel.port1]);
      channel.port2.onmessage = (event: MessageEvent<unknown>) => {
        const local = this.ports.get(message.port);
        if (local) local.deliver(event.data);
        else this.channel.postMessage({ kind: 'msg', port: message.port, term: hosting.term, data: event.data, back: true } satisfies RelayMessage);
      };
      hosting.connections.set(message.port, { channel });
    } else if (message.kind === 'msg') {
      hosting.connections.get(message.port)?.channel.port2.postMessage(message.data);
    } else if (message.kind === 'close') {
      const connection = hosting.connections.get(message.port);
      hosting.connections.delete(message.port);
      connection?.channel.port2.postMessage({ type: 'bye', id: 0 });
      connection?.channel.port2.close();
    }
  }
}

const hubs = new Map<string, RelayHub>();

/**
 * A connection to the model worker of the origin's host tab for configuration `name`, shaped like
 * a `SharedWorker` (`port`; `error` when the host is lost) for `WorkerClient`.
 */
export function connectRelay(name: string): { port: RelayPort } & Pick<EventTarget, 'addEventListener'> {
  let hub = hubs.get(name);
  if (!hub) {
    hub = new RelayHub(name);
    hubs.set(name, hub);
  }
  const port = hub.open();
  return {
    port,
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) =>
      port.addEventListener(type === 'error' ? 'lost' : type, listener),
  };
}
