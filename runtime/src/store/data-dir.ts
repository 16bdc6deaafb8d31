// The data folder both engines keep their journals and ratings in.
import { join } from 'node:path';

export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  return env.WEFT_DATA_DIR && env.WEFT_DATA_DIR.trim() !== ''
    ? env.WEFT_DATA_DIR
    : join(process.cwd(), '.weft');
}
