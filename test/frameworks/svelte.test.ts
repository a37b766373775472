import { describeExampleApp } from './example-app.js';

describe('the Svelte 5 example app (examples/svelte/)', () => {
  // Svelte 5 sets static attributes as properties when the element has a property of that name.
  describeExampleApp('svelte', { staticAttributesBecomeProperties: true });
});
