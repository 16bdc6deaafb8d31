// runCli/followCli against real child processes (node -e scripts standing in for the CLI).
import { describe, expect, it } from 'vitest';
import { followCli, lineSplitter, runCli } from './cli.js';

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('lineSplitter', () => {
  it('joins chunks into lines and flushes the last partial one', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('a\r\nb');
    split.push('c\nd');
    expect(lines).toEqual(['a', 'bc']);
    split.end();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });
});

describe('runCli', () => {
  it('streams stderr lines, keeps stdout and the exit code', async () => {
    const lines: string[] = [];
    const result = await runCli(
      node(
        'console.error("waiting for redis"); console.error("redis healthy"); console.log(JSON.stringify({a:process.argv.slice(1)})); process.exit(3)',
      ),
      ['stack', 'up'],
      { cwd: process.cwd(), onLine: (l) => lines.push(l) },
    );
    expect(lines).toEqual(['waiting for redis', 'redis healthy']);
    expect(JSON.parse(result.stdout)).toEqual({ a: ['stack', 'up'] });
    expect(result.code).toBe(3);
  });

  it('stops the child on abort', async () => {
    const abort = new AbortController();
    const running = runCli(node('console.error("started"); setInterval(() => {}, 1000)'), [], {
      cwd: process.cwd(),
      signal: abort.signal,
      onLine: () => abort.abort(),
    });
    expect((await running).code).toBe(128);
  });

  it('says how to get the CLI when it cannot start', async () => {
    await expect(
      runCli({ command: '/nonexistent/weft', args: [] }, ['stack'], { cwd: process.cwd() }),
    ).rejects.toThrow(
      /cannot run the weft CLI \(\/nonexistent\/weft\): spawn \/nonexistent\/weft ENOENT. Install @weft\/runtime/,
    );
  });
});

describe('followCli', () => {
  it('passes stdout and stderr lines until stopped', async () => {
    const lines: string[] = [];
    let exited!: () => void;
    const done = new Promise<void>((r) => {
      exited = r;
    });
    const follower = followCli(
      node('console.log("[redis] ready"); console.error("[weft] listening"); setInterval(() => {}, 1000)'),
      [],
      {
        cwd: process.cwd(),
        onLine: (l) => {
          lines.push(l);
          if (lines.length === 2) follower.stop();
        },
        onExit: () => exited(),
      },
    );
    await done;
    expect(lines.sort()).toEqual(['[redis] ready', '[weft] listening']);
    expect(follower.process.exitCode !== null || follower.process.signalCode !== null).toBe(true);
  });
});
