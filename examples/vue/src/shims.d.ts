/** Lets TypeScript import single-file components; the build compiles them with vue/compiler-sfc. */
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<Record<string, unknown>, Record<string, unknown>, unknown>;
  export default component;
}
