/**
 * Entry point of a page's own model worker: it serves its page (`connection.ts`) on one
 * `ModelHost`. In a tab elected host for the origin (`share="origin"` without a SharedWorker,
 * `page/relay.ts`) it also serves the other tabs, each over a `MessagePort` its page hands over
 * with a `connect` message.
 *
 * The page never runs ONNX; this worker owns transformers.js. One worker serves one engine
 * (one model), so its transformers.js `env` settings belong to that model alone.
 */
import { serve } from './connection.js';
import { ModelHost } from './model-host.js';
import type { WorkerRequest } from '../shared/protocol.js';

const host = new ModelHost();
serve(self, host);
self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const port = event.ports[0];
  if (event.data.type === 'connect' && port) serve(port, host);
});
