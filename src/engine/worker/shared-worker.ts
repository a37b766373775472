/**
 * Entry point of the model worker that every tab and frame of an origin shares for one model
 * configuration (`share="origin"`): each page that connects gets a connection of its own
 * (`connection.ts`) on the worker's one `ModelHost`, so the model is downloaded, loaded and held
 * in memory once, whatever the number of tabs. The page names the worker after the configuration
 * (`SharedWorker` `name`), so another configuration gets another worker.
 */
import { serve } from './connection.js';
import { ModelHost } from './model-host.js';

const host = new ModelHost();

(self as unknown as { onconnect: (event: MessageEvent) => void }).onconnect = (event) => {
  serve(event.ports[0], host);
};
