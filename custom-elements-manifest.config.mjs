/**
 * Generates `custom-elements.json` from the elements' JSDoc (run by `npm run analyze`, the last
 * step of `npm run build`), and from it the typings and editor data in `dist/types/`: JSX (React,
 * Preact, Solid), Vue and Svelte types, VS Code custom data and JetBrains web-types. They land in
 * `dist/` because they import the element classes' declarations, which `tsc` writes there first.
 */
import { customElementJetBrainsPlugin } from 'custom-element-jet-brains-integration';
import { customElementVsCodePlugin } from 'custom-element-vs-code-integration';
import { frameworkTypesPlugin } from './scripts/cem/framework-types-plugin.mjs';
import { typedEventsPlugin } from './scripts/cem/typed-events-plugin.mjs';

const typesDir = 'dist/types';

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: true,
  plugins: [
    {
      // The analyzer reads files in whatever order the file system returns them; sorting keeps
      // the committed manifest identical from build to build.
      name: 'stable-module-order',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      },
    },
    // Must run before the generators below: they read the event types and expanded types it adds.
    typedEventsPlugin(),
    frameworkTypesPlugin({ outdir: typesDir }),
    // The editor-data plugins are fine once events are typed; `typesSrc` makes them offer
    // `text`/`chat` for `mode` instead of the alias name `CompleteMode`.
    customElementVsCodePlugin({
      outdir: typesDir,
      htmlFileName: 'vscode.html-custom-data.json',
      cssFileName: 'vscode.css-custom-data.json',
      typesSrc: 'expandedType',
      hideLogs: true,
    }),
    customElementJetBrainsPlugin({
      outdir: typesDir,
      fileName: 'web-types.json',
      typesSrc: 'expandedType',
      hideLogs: true,
      // Written by hand in package.json: the plugin would rewrite the whole file on every build.
      packageJson: false,
    }),
  ],
};
