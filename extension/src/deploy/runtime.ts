// The one place the extension reaches into the runtime's deploy module. Bundled on its own
// (out/deploy.js: the Cloud Run client and google-auth-library) and loaded on the first deploy (load.ts).
export * from '../../../runtime/src/deploy/index.js';
