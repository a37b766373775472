/** Lets TypeScript import components; the build compiles them with svelte/compiler. */
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<{ model: string; modelBaseUrl?: string | undefined; device: string }>;
  export default component;
}
