/**
 * Controls and docs come from custom-elements.json: its public attributes, properties, events,
 * slots, parts and CSS custom properties become each element's arg table.
 */
import { setCustomElementsManifest } from '@storybook/web-components';
import manifest from '../custom-elements.json';
import { controlFor, publicManifest } from '../stories/support/manifest.js';

// Storybook lists every field of a class, private state included; only the public API belongs in
// the controls.
setCustomElementsManifest(publicManifest(manifest));

/** @type {import('@storybook/web-components').Preview} */
export default {
  // A docs page per element: description, arg table (from the manifest) and every story.
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
  },
  // Storybook infers no control from a TypeScript type text such as `'on' | 'off'`: derive one.
  argTypesEnhancers: [
    ({ argTypes, component }) => {
      for (const argType of Object.values(argTypes)) {
        const control = controlFor(component, argType);
        if (control) Object.assign(argType, control);
      }
      return argTypes;
    },
  ],
  globalTypes: {
    engine: {
      description: 'What answers: a scripted engine (instant, offline) or the generated tiny model (real worker, transformers.js and ONNX Runtime; random weights).',
      toolbar: {
        title: 'Engine',
        icon: 'lightning',
        items: [
          { value: 'fake', title: 'Scripted engine' },
          { value: 'tiny', title: 'Tiny model (npm run model)' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { engine: 'fake' },
};
