/**
 * Entry point of the model worker: translates protocol messages into `ModelHost` calls.
 *
 * The page never runs ONNX; this worker owns transformers.js. One worker serves one engine
 * (one model), so its transformers.js `env` settings belong to that model alone.
 */
import { LoadFailure, SlmError } from '../shared/errors.js';
import { downloadGate } from './download/model-downloads.js';
import { ModelHost } from './model-host.js';
import type { WorkerReply, WorkerRequest } from '../shared/protocol.js';

/** The parts of `DedicatedWorkerGlobalScope` used here (the DOM lib types `self` as a Window). */
interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;
const host = new ModelHost();

/** Turns anything thrown into the plain error data the page expects. */
function toErrorData(error: unknown, fallback: SlmError['code']) {
  if (error instanceof SlmError) return error.toJSON();
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  switch (request.type) {
    case 'load':
      host
        .load(
          request.config,
          (progress) => scope.postMessage({ type: 'progress', id: request.id, progress }),
          (warning) => scope.postMessage({ type: 'warning', id: request.id, warning }),
        )
        .then(
          (loaded) => scope.postMessage({ type: 'ready', id: request.id, info: { model: request.config.model, ...loaded } }),
          (error) =>
            scope.postMessage({
              type: 'error',
              id: request.id,
              error: toErrorData(error, 'load-failed'),
              recover: error instanceof LoadFailure ? error.recover : undefined,
            }),
        );
      break;
    case 'generate':
      host
        .generate(request.id, request.input, request.settings, request.options, {
          onToken: (token, tokenId) => scope.postMessage({ type: 'token', id: request.id, token, tokenId }),
          onQueue: (ahead) => scope.postMessage({ type: 'queue', id: request.id, ahead }),
        })
        .then(
          (result) => scope.postMessage({ type: 'done', id: request.id, result }),
          (error) =>
            scope.postMessage({ type: 'error', id: request.id, error: toErrorData(error, 'generation-failed') }),
        );
      break;
    case 'stop':
      host.stop(request.id);
      break;
    case 'release':
      // Fire and forget: disposing cannot fail in a way the page could act on.
      void host.release(request.conversationId);
      break;
    case 'stats':
      scope.postMessage({ type: 'stats', id: request.id, stats: host.stats() });
      break;
    case 'downloads':
      if (request.paused) downloadGate.pause();
      else downloadGate.resume();
      break;
    case 'query':
      host.query(request.config, request.query).then(
        (value) => scope.postMessage({ type: 'answer', id: request.id, value }),
        (error) => scope.postMessage({ type: 'error', id: request.id, error: toErrorData(error, 'load-failed') }),
      );
      break;
  }
});
