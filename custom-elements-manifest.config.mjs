/** Generates `custom-elements.json` from the elements' JSDoc (run by `npm run analyze`). */
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
  ],
};
