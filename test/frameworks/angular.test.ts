import { describeExampleApp } from './example-app.js';

describe('the Angular 20 example app (examples/angular/)', () => {
  describeExampleApp('angular');
});
