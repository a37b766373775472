/**
 * The context through which `<slm-provider>` shares its engine with every `slm-*` descendant.
 *
 * The key is a `Symbol`, so no other library's context can collide with it. The value is the
 * engine's capability interface, never raw state: state changes travel as the engine's events.
 */
import { createContext } from '@lit/context';
import type { SlmEngine } from '../engine/page/engine-api.js';

export type { SlmEngine } from '../engine/page/engine-api.js';

/** Context key for the shared `SlmEngine`. */
export const engineContext = createContext<SlmEngine | undefined>(Symbol('slm-engine'));
