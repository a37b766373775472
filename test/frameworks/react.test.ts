import { describeExampleApp } from './example-app.js';

describe('the React 19 example app (examples/react/)', () => {
  describeExampleApp('react');
});
