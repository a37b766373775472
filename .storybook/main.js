/**
 * Storybook for the elements (`npm run storybook`, `npm run build-storybook` → storybook-static/).
 * Stories run on a scripted engine by default and on the generated tiny model on request (toolbar
 * "Engine"), so everything works offline; run `npm run build` and `npm run model` first.
 */
import { existsSync } from 'node:fs';

// Storybook sends telemetry and checks for updates unless told not to; CI here has no network.
process.env.STORYBOOK_DISABLE_TELEMETRY = '1';

/** @type {import('@storybook/web-components-vite').StorybookConfig} */
export default {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../stories/**/*.stories.js'],
  addons: ['@storybook/addon-docs'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The tiny model (`npm run model`) at /models/slm-tiny/, where the stories' provider looks.
  staticDirs: existsSync(new URL('../models', import.meta.url)) ? [{ from: '../models', to: '/models' }] : [],
  async viteFinal(config) {
    return {
      ...config,
      // The engine's worker imports transformers.js lazily (code splitting), which classic
      // workers cannot do.
      worker: { ...config.worker, format: 'es' },
      build: {
        ...config.build,
        chunkSizeWarningLimit: 2048,
      },
    };
  },
};
