// What a thread that checks large workflows should give V8.

/**
 * The young generation (V8's nursery) for a thread or process that checks workflows as you type. A full
 * check of a 1,000-step file keeps its parse trees (~4 MB) alive while the passes allocate (~4 MB more); with
 * Node's default nursery most checks pay for scavenges that copy those trees, with this one few do.
 * bench/check.ts measures both; the extension's check worker uses it.
 */
export const CHECKER_YOUNG_GENERATION_MB = 64;
