/**
 * XGrammar (`@mlc-ai/web-xgrammar`, the grammar engine WebLLM uses: C++ compiled to WebAssembly,
 * 1.1 MB of JavaScript with the wasm inlined) imported on the first constrained request, never
 * before: a page that asks for no schema and no tools never downloads it.
 *
 * The package's UMD bundle is imported as an ES-module copy, `./xgrammar.js`, written at build
 * time (`scripts/copy-xgrammar.mjs` says why). And one property of its 0.1.27 build shapes this
 * module:
 *
 * - **Failures abort.** A schema XGrammar refuses (a failed `XGRAMMAR_CHECK`) prints
 *   `[FATAL] file:line: message` through Emscripten's `printErr` and throws
 *   `RuntimeError: Aborted()`, without unwinding the C++ stack: about 30 such aborts exhaust the
 *   module's stack and every later call fails ("memory access out of bounds", measured with
 *   3,000 bad schemas in Node). So the reason is captured for the `invalid-schema` message
 *   (`printErr` is `console.error` bound when the module first initialises, so a relay installed
 *   before that sees it), schemas are checked before they reach XGrammar
 *   (`schema-preflight.ts`) so that aborts stay rare, and the aborts are counted
 *   (`XGrammarRuntime.aborts`) so that a worker past its budget refuses politely instead of
 *   failing obscurely.
 */
import type * as XGrammarTypes from './xgrammar.js';

/** The parts of `@mlc-ai/web-xgrammar` used here. */
export type XGrammar = Pick<typeof XGrammarTypes, 'GrammarCompiler' | 'GrammarMatcher' | 'TokenizerInfo' | 'Testings'>;
export type { CompiledGrammar, GrammarCompiler, GrammarMatcher, StructuralTag, StructuralTagFormat, TagFormat, TokenizerInfo } from './xgrammar.js';

/**
 * Aborts after which this worker stops handing schemas to XGrammar: well inside the ~30 that
 * exhaust its stack, leaving room for the calls a running generation still makes.
 */
export const ABORT_BUDGET = 12;

/** The loaded module, and what its failures said. */
export interface XGrammarRuntime {
  readonly xgr: XGrammar;
  /** How many calls aborted so far (see the module comment). */
  readonly aborts: number;
  /**
   * Runs `call`; when XGrammar aborts, rejects with an `Error` whose message is XGrammar's own
   * reason (`Unsupported type "strin"`), without its file and line.
   */
  guard<T>(call: () => Promise<T> | T): Promise<T>;
}

let loading: Promise<XGrammarRuntime> | undefined;

/** Imports XGrammar once per worker and initialises its WebAssembly. */
export function loadXGrammar(): Promise<XGrammarRuntime> {
  loading ??= (async () => {
    // Installed before the module initialises, so its bound `printErr` is this relay (see the
    // module comment); restored right after, so the rest of the worker sees the real console.
    const original = console.error;
    let capture: string[] | undefined;
    const relay = (...args: unknown[]) => {
      if (capture) capture.push(args.map(String).join(' '));
      else original.apply(console, args);
    };
    console.error = relay;
    let xgr: XGrammar;
    try {
      xgr = await import('./xgrammar.js');
      // The first call initialises the WebAssembly module (binding `printErr` to the relay).
      (await xgr.TokenizerInfo.createTokenizerInfo(['a'], 'raw', false, 1, [0])).dispose();
    } finally {
      console.error = original;
    }
    const runtime = {
      xgr,
      aborts: 0,
      async guard<T>(call: () => Promise<T> | T): Promise<T> {
        const lines: string[] = [];
        capture = lines;
        try {
          return await call();
        } catch (error) {
          const fatal = lines.find((line) => line.startsWith('[FATAL]'));
          if (fatal || String(error).includes('Aborted(')) runtime.aborts++;
          // "[FATAL] /path/json_schema_converter.cc:902: Unsupported type "strin"" → the reason.
          const reason = fatal?.replace(/^\[FATAL\]\s*\S+:\d+:\s*/, '').replace(/^Check failed: \(.*?\) is false: /, '');
          throw new Error(reason || (error instanceof Error ? error.message : String(error)), { cause: error });
        } finally {
          capture = undefined;
          // Warnings XGrammar printed (keywords it ignores, ...) are not errors: pass them on.
          for (const line of lines) if (line.startsWith('[WARNING]')) console.warn(`XGrammar: ${line}`);
        }
      },
    };
    return runtime;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
