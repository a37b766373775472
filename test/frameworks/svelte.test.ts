import { describeExampleApp } from './example-app.js';

describe('the Svelte 5 example app (examples/svelte/)', () => {
  describeExampleApp('svelte');
});
