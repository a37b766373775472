/**
 * Boots the example app without the Angular CLI: `@angular/compiler` is loaded so components are
 * compiled just in time in the browser (JIT), and change detection is zoneless (no zone.js):
 * signals and template event bindings schedule it.
 *
 * The model comes from the query string so the same page runs the default Hub model or, offline,
 * the repository's tiny test model: `?model=slm-tiny&model-base-url=/models/&device=wasm`.
 */
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app.component.js';
import { APP_CONFIG } from './config.js';

const params = new URLSearchParams(location.search);

bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    {
      provide: APP_CONFIG,
      useValue: {
        model: params.get('model') ?? 'HuggingFaceTB/SmolLM2-360M-Instruct',
        modelBaseUrl: params.get('model-base-url') ?? undefined,
        device: params.get('device') ?? 'auto',
      },
    },
  ],
}).catch((error: unknown) => console.error(error));
