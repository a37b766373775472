/**
 * Test-runner plugin: what the browser printed and which requests failed, seen from outside the
 * page (as a developer sees DevTools), for "a healthy load prints no red console errors".
 *
 * A test's own `console.error` hooks cannot see what matters here: Chromium prints a red
 * "Failed to load resource: the server responded with a status of 404" line for a failed
 * `fetch`, also from inside the model worker, without any script calling `console`. So the
 * plugin listens on the Playwright page (and each worker it starts):
 *
 * - `executeServerCommand('console-capture-start')` forgets everything seen so far and starts
 *   recording;
 * - `executeServerCommand('console-capture-take')` answers `{ messages, failedResponses }`:
 *   console messages of type `error` or `warning` (`{ type, text, where }`, `where` is `page` or
 *   the worker's URL), and responses with a status of 400 or more (`{ status, url }`).
 */

/** @param {import('playwright-core').Page} page */
function recorderFor(page) {
  const record = { messages: [], failedResponses: [], recording: false };
  const onConsole = (where) => (message) => {
    if (!record.recording) return;
    const type = message.type();
    if (type === 'error' || type === 'warning') record.messages.push({ type, text: message.text(), where });
  };
  page.on('console', onConsole('page'));
  page.on('worker', (worker) => worker.on('console', onConsole(worker.url())));
  page.on('response', (response) => {
    if (record.recording && response.status() >= 400) record.failedResponses.push({ status: response.status(), url: response.url() });
  });
  return record;
}

export function consoleCapture() {
  /** @type {WeakMap<object, ReturnType<typeof recorderFor>>} */
  const recorders = new WeakMap();
  return {
    name: 'console-capture',
    async executeCommand({ command, session }) {
      if (command !== 'console-capture-start' && command !== 'console-capture-take') return undefined;
      if (session.browser.type !== 'playwright') throw new Error('console-capture needs the Playwright launcher');
      const page = session.browser.getPage(session.id);
      let record = recorders.get(page);
      if (!record) recorders.set(page, (record = recorderFor(page)));
      if (command === 'console-capture-start') {
        record.messages = [];
        record.failedResponses = [];
        record.recording = true;
        return true;
      }
      return { messages: record.messages, failedResponses: record.failedResponses };
    },
  };
}
