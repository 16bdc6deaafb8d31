/** FNV-1a, 32-bit: a stable, platform-independent string hash. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A stable fraction in [0, 1]. */
export function stableFraction(text: string): number {
  return stableHash(text) / 0xffffffff;
}
