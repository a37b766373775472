/**
 * One page's connection to the model worker: the protocol's messages turned into `ModelHost`
 * calls, and the replies sent back.
 *
 * A dedicated worker (`worker.ts`) has one connection: its page. A shared worker
 * (`shared-worker.ts`, `share="origin"`) has one per tab or frame, all on one `ModelHost`, so
 * everything a page names is scoped to its connection here: request ids (every page counts from
 * 1), conversation ids and owners (every page has an `slm-chat-1`). A page's text therefore only
 * ever travels back over its own port, and stopping or releasing touches only its own requests.
 *
 * A page that goes away without saying `bye` (closed, crashed, navigated) is noticed through the
 * Web Lock it holds for its lifetime: the worker waits for that lock, gets it when the page is
 * gone, and ends the page's requests and frees its conversations' caches.
 */
import { LoadFailure, SlmError } from '../shared/errors.js';
import { downloadGate } from './download/model-downloads.js';
import type { ModelHost } from './model-host.js';
import type { JobSource } from './scheduler.js';
import type { WorkerReply, WorkerRequest } from '../shared/protocol.js';

/** The parts of a `MessagePort` (or a dedicated worker's global scope) a connection uses. */
export interface ConnectionPort {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
  start?(): void;
  close?(): void;
}

/** Turns anything thrown into the plain error data the page expects. */
function toErrorData(error: unknown, fallback: SlmError['code']) {
  if (error instanceof SlmError) return error.toJSON();
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

let connections = 0;
/** Job ids unique in this worker, whichever page sent the request. */
let jobs = 0;

/** Serves one page over `port` with the worker's one `host`. */
export function serve(port: ConnectionPort, host: ModelHost): void {
  const connection = ++connections;
  /** Scopes a page's name for something (a conversation, an owner) to this connection. */
  const scoped = (name: string) => `${connection}/${name}`;
  const source: { visible: boolean } & JobSource = { visible: true };
  /** The page's running and queued generations: its request id → the worker's job id. */
  const running = new Map<number, number>();
  const conversations = new Set<string>();
  let ended = false;
  const post = (reply: WorkerReply) => {
    if (!ended) port.postMessage(reply);
  };

  /** The page is gone: its generations stop, its caches are freed, nothing more is sent. */
  const end = () => {
    if (ended) return;
    ended = true;
    for (const job of running.values()) host.stop(job);
    for (const conversation of conversations) void host.release(conversation);
    running.clear();
    conversations.clear();
    port.close?.();
  };

  port.addEventListener('message', (event) => {
    const request = event.data;
    if (ended) return;
    switch (request.type) {
      case 'hello':
        source.visible = request.visible;
        // Granted only once the page has let go of its lock: it closed, crashed or navigated away.
        if (request.tab && typeof navigator !== 'undefined' && navigator.locks) {
          void navigator.locks.request(request.tab, () => end());
        }
        break;
      case 'visibility':
        source.visible = request.visible;
        host.reorder();
        break;
      case 'bye':
        end();
        break;
      case 'load':
        host
          .load(request.config, {
            onProgress: (progress) => post({ type: 'progress', id: request.id, progress }),
            onWarning: (warning) => post({ type: 'warning', id: request.id, warning }),
          })
          .then(
            (loaded) => post({ type: 'ready', id: request.id, info: { model: request.config.model, ...loaded } }),
            (error) =>
              post({
                type: 'error',
                id: request.id,
                error: toErrorData(error, 'load-failed'),
                recover: error instanceof LoadFailure ? error.recover : undefined,
              }),
          );
        break;
      case 'generate': {
        const job = ++jobs;
        running.set(request.id, job);
        const { conversationId, owner } = request.options;
        if (conversationId !== undefined) conversations.add(scoped(conversationId));
        const options = {
          ...request.options,
          ...(conversationId !== undefined ? { conversationId: scoped(conversationId) } : {}),
          ...(owner !== undefined ? { owner: scoped(owner) } : {}),
        };
        host
          .generate(job, request.input, request.settings, options, {
            onToken: (token, tokenId) => post({ type: 'token', id: request.id, token, tokenId }),
            onQueue: (ahead) => post({ type: 'queue', id: request.id, ahead }),
          }, source)
          .then(
            (result) => post({ type: 'done', id: request.id, result }),
            (error) => post({ type: 'error', id: request.id, error: toErrorData(error, 'generation-failed') }),
          )
          .finally(() => running.delete(request.id));
        break;
      }
      case 'stop': {
        const job = running.get(request.id);
        if (job !== undefined) host.stop(job);
        break;
      }
      case 'release':
        // Fire and forget: disposing cannot fail in a way the page could act on.
        conversations.delete(scoped(request.conversationId));
        void host.release(scoped(request.conversationId));
        break;
      case 'stats':
        post({ type: 'stats', id: request.id, stats: host.stats() });
        break;
      case 'downloads':
        // In a shared worker, the model's download is every tab's: pausing it pauses it for all.
        if (request.paused) downloadGate.pause();
        else downloadGate.resume();
        break;
      case 'query':
        host.query(request.config, request.query).then(
          (value) => post({ type: 'answer', id: request.id, value }),
          (error) => post({ type: 'error', id: request.id, error: toErrorData(error, 'load-failed') }),
        );
        break;
    }
  });
  port.start?.();
}
