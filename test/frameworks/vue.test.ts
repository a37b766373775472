import { describeExampleApp } from './example-app.js';

describe('the Vue 3 example app (examples/vue/)', () => {
  // Vue sets static attributes as properties when the element has a property of that name.
  describeExampleApp('vue', { staticAttributesBecomeProperties: true });
});
