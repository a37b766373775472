import { describeExampleApp } from './example-app.js';

describe('the React 19 example app (examples/react/)', () => {
  // React 19 sets every prop the element has a property for as that property, literal strings included.
  describeExampleApp('react', { staticAttributesBecomeProperties: true });
});
