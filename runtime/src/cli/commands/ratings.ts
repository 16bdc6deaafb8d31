// weft ratings [--json]: the Elo ratings that debate steps keep across runs.
import type { Command } from 'commander';
import { defaultDataDir } from '../../engines/embedded/index.js';
import { FileRatingsStore } from '../../store/file-ratings.js';

export function register(program: Command): void {
  program
    .command('ratings')
    .description('Show the Elo ratings kept by debate steps (per workflow and step)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const all = await new FileRatingsStore(defaultDataDir()).all();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      const names = Object.keys(all);
      if (names.length === 0) {
        process.stderr.write('no ratings yet: run a workflow with a debate step (see samples/debate)\n');
        return;
      }
      for (const name of names) {
        process.stdout.write(`${name}\n`);
        const sorted = Object.entries(all[name]!).sort((a, b) => b[1] - a[1]);
        sorted.forEach(([who, rating], i) => {
          process.stdout.write(`  ${String(i + 1).padStart(2)}. ${who.padEnd(20)} ${rating.toFixed(1)}\n`);
        });
      }
    });
}
