/**
 * Entry point of the page's own model worker (`share="page"`, the default): one page, one
 * connection (`connection.ts`), one `ModelHost`.
 *
 * The page never runs ONNX; this worker owns transformers.js. One worker serves one engine
 * (one model), so its transformers.js `env` settings belong to that model alone.
 */
import { serve } from './connection.js';
import { ModelHost } from './model-host.js';

serve(self, new ModelHost());
