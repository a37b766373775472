import { InjectionToken } from '@angular/core';

/** Which model the app's provider loads (read from the page's query string in main.ts). */
export interface AppConfig {
  model: string;
  modelBaseUrl?: string | undefined;
  device: string;
}

export const APP_CONFIG = new InjectionToken<AppConfig>('APP_CONFIG');
