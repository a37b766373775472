/**
 * Page-wide engines for elements used without an `<slm-provider>`: every element that names the
 * same model configuration (`<slm-chat model="…">`) shares one `LocalEngine`, so the page still
 * downloads and loads the model once. The engine is unloaded when its last user lets go.
 */
import { LocalEngine } from './local-engine.js';
import { engineConfigKey, type EngineConfig } from '../shared/settings.js';

interface Entry {
  engine: LocalEngine;
  users: number;
}

const shared = new Map<string, Entry>();
const keys = new WeakMap<LocalEngine, string>();

/** The page-wide engine for `config`, created on first use. Pair every call with `releaseSharedEngine`. */
export function acquireSharedEngine(config: EngineConfig): LocalEngine {
  const key = engineConfigKey(config);
  let entry = shared.get(key);
  if (!entry) {
    const engine = new LocalEngine();
    engine.configure(config);
    entry = { engine, users: 0 };
    shared.set(key, entry);
    keys.set(engine, key);
  }
  entry.users++;
  return entry.engine;
}

/** Lets go of an engine from `acquireSharedEngine`; the last user's release unloads it. */
export function releaseSharedEngine(engine: LocalEngine): void {
  const key = keys.get(engine);
  const entry = key === undefined ? undefined : shared.get(key);
  if (!entry || --entry.users > 0) return;
  shared.delete(key!);
  engine.unload();
}

/** How many page-wide engines exist (for tests and diagnostics). */
export function sharedEngineCount(): number {
  return shared.size;
}
