/**
 * Test-runner commands that open more tabs beside the test page, in the same browser context
 * (same origin, same Cache Storage, same shared workers), run code in them and close them: what
 * tests of `share="origin"` need to act as several tabs of one site.
 *
 * From a test: `executeServerCommand('tab-open', { path })` → `{ tab }`;
 * `executeServerCommand('tab-eval', { tab, source, arg })` runs `(source)(arg)` in the tab and
 * answers its (awaited, JSON-able) result; `executeServerCommand('tab-close', { tab })`.
 */
export function tabsPlugin() {
  /** Open tabs by id, per test session. */
  const tabs = new Map();
  let next = 0;
  return {
    name: 'slm-tabs',
    async executeCommand({ command, payload, session }) {
      if (!command.startsWith('tab-')) return undefined;
      if (command === 'tab-open') {
        const page = session.browser.getPage(session.id);
        const tab = await page.context().newPage();
        // What a tab prints belongs in the test log too (errors especially).
        tab.on('pageerror', (error) => console.error(`[tab] ${error.message}`));
        await tab.goto(new URL(payload.path, page.url()).href);
        const id = ++next;
        tabs.set(id, tab);
        return { tab: id };
      }
      const tab = tabs.get(payload.tab);
      if (!tab) throw new Error(`No tab ${payload.tab}`);
      if (command === 'tab-eval') {
        return { value: await tab.evaluate(`(${payload.source})(${JSON.stringify(payload.arg ?? null)})`) };
      }
      if (command === 'tab-close') {
        tabs.delete(payload.tab);
        // Without unload handlers, as a crash or a killed tab would.
        await tab.close({ runBeforeUnload: false });
        return { closed: true };
      }
      throw new Error(`Unknown command ${command}`);
    },
  };
}
