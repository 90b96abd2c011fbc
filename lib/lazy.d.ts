// `import load from './x.ts?lazy'`: build.mjs bundles x.ts inside load(), which evaluates it on its
// first call and returns its exports (scripts/lazy-import-plugin.ts). Cast load to
// `() => typeof import('./x.ts')` where it is imported.
declare module '*?lazy' {
  const load: () => unknown;
  export default load;
}
