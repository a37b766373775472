/** Generates `custom-elements.json` from the elements' JSDoc (run by `npm run analyze`). */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: true,
};
