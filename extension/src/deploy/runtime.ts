// The one place the extension names the runtime's deploy module. Imported for types only (import
// type): the code is the bundled runtime's out/runtime/deploy.mjs, imported on the first deploy (load.ts).
export * from '../../../runtime/src/deploy/index.js';
