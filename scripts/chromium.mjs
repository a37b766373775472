/**
 * How every tool here starts Chromium: Debian's package (or `CHROMIUM_PATH`), never a downloaded
 * browser, with WebGPU exposed (SwiftShader where there is no GPU) and no background network
 * traffic (this machine has no network; Chromium would keep trying).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
