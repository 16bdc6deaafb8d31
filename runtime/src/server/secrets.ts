// Secret values from the environment, and a scrubber that removes them from any text the server
// writes (responses, events, logs). Pure apart from reading the env object it is given.
import { Writable } from 'node:stream';

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/** Values worth hiding: every `*_KEY`/`*_TOKEN`/... variable, each WEFT_API_KEYS entry, Redis passwords. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (name === 'WEFT_API_KEYS') {
      for (const key of value.split(',')) if (key.trim().length >= 4) out.add(key.trim());
    } else if (SECRET_NAME.test(name) && value.length >= 6) {
      out.add(value);
    }
    if (/URL$/.test(name) && value.includes('@')) {
      try {
        const u = new URL(value);
        if (u.password && u.password.length >= 4) out.add(decodeURIComponent(u.password));
      } catch {
        // not a URL
      }
    }
  }
  // longest first, so a key that contains another is replaced whole
  return [...out].sort((a, b) => b.length - a.length);
}

export type Scrubber = (text: string) => string;

export function makeScrubber(secrets: string[]): Scrubber {
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
}

/** Deep-scrub a JSON-like value (strings only). */
export function scrubValue<T>(value: T, scrub: Scrubber): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, scrub)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, scrub);
    return out as T;
  }
  return value;
}

/** A log destination that scrubs every line before passing it on. */
export function scrubbingStream(destination: NodeJS.WritableStream, scrub: Scrubber): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      destination.write(scrub(chunk.toString()));
      callback();
    },
  });
}
