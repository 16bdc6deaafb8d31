// The language service is a separate bundle (out/language.js), loaded on first use.
import type * as Service from '../language/service.js';

let service: typeof Service | undefined;

export function language(): typeof Service {
  // A plain require of a sibling file the build writes next to out/extension.js (kept external).
  service ??= require('./language.js') as typeof Service;
  return service;
}

export function isLanguageLoaded(): boolean {
  return service !== undefined;
}
