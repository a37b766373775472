/**
 * Serves a real JSON Schema validator to the test browser: Ajv (draft 2020-12) with ajv-formats,
 * bundled as one ES module on first request (Ajv ships CommonJS, which the test server does not
 * convert). Tests of constrained output check every reply with it:
 *
 *   const { validator } = await import('/__validator.js');
 *   const validate = validator(schema); validate(value) || validate.errors
 */
import { build } from 'esbuild';

const ENTRY = `
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
/** A compiled validator for \`schema\`, all errors reported, formats checked in full. */
export function validator(schema) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv, { mode: 'full' });
  return ajv.compile(schema);
}
`;

export function jsonValidator() {
  let bundle;
  return async function serve(ctx, next) {
    if (ctx.path !== '/__validator.js') return next();
    bundle ??= build({
      stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
    ctx.type = 'application/javascript';
    ctx.body = await bundle;
  };
}
