/**
 * Serves small ES-module bundles of CommonJS packages to the test browser (the test server does
 * not convert CommonJS), each bundled with esbuild on first request:
 *
 * - `/__validator.js`: a real JSON Schema validator, Ajv (draft 2020-12) with ajv-formats. Tests
 *   of constrained output check every reply with it:
 *   `const { validator } = await import('/__validator.js'); validator(schema)(value)`.
 * - `/__react-form.js`: a React 19 controlled form (`mountReactForm(container)`), to check that
 *   React sees the values `<slm-fill>` writes (its state follows, and it does not put the old
 *   value back on its next render).
 */
import { build } from 'esbuild';

const ENTRIES = {
  '/__validator.js': `
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
/** A compiled validator for \`schema\`, all errors reported, formats checked in full. */
export function validator(schema) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv, { mode: 'full' });
  return ajv.compile(schema);
}
`,
  '/__react-form.js': `
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
/** Renders a controlled form into \`container\`; \`state.values\` is React's state after each render. */
export function mountReactForm(container) {
  const state = { values: null, renders: 0 };
  function Form() {
    const [name, setName] = useState('');
    const [email, setEmail] = useState('');
    const [agree, setAgree] = useState(false);
    const [size, setSize] = useState('');
    const [plan, setPlan] = useState('');
    state.values = { name, email, agree, size, plan };
    state.renders++;
    return h('form', { id: 'react-form' },
      h('label', null, 'Name ', h('input', { name: 'name', required: true, maxLength: 20, value: name, onChange: (e) => setName(e.target.value) })),
      h('label', null, 'Email ', h('input', { type: 'email', name: 'email', required: true, value: email, onChange: (e) => setEmail(e.target.value) })),
      h('label', null, h('input', { type: 'checkbox', name: 'agree', checked: agree, onChange: (e) => setAgree(e.target.checked) }), ' Agree'),
      h('label', null, 'Size ', h('select', { name: 'size', required: true, value: size, onChange: (e) => setSize(e.target.value) },
        h('option', { value: '' }, '–'), h('option', { value: 'S' }, 'Small'), h('option', { value: 'M' }, 'Medium'))),
      h('fieldset', null, h('legend', null, 'Plan'),
        ['free', 'pro'].map((v) => h('label', { key: v }, h('input', { type: 'radio', name: 'plan', value: v, required: true, checked: plan === v, onChange: (e) => setPlan(e.target.value) }), ' ' + v))));
  }
  createRoot(container).render(h(Form));
  return state;
}
`,
};

export function testBundles() {
  const bundles = new Map();
  return async function serve(ctx, next) {
    const entry = ENTRIES[ctx.path];
    if (!entry) return next();
    if (!bundles.has(ctx.path)) {
      bundles.set(
        ctx.path,
        build({
          stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
          bundle: true,
          format: 'esm',
          platform: 'browser',
          define: { 'process.env.NODE_ENV': '"production"' },
          write: false,
          logLevel: 'silent',
        }).then((result) => result.outputFiles[0].text),
      );
    }
    ctx.type = 'application/javascript';
    ctx.body = await bundles.get(ctx.path);
  };
}
