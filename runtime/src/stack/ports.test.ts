import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeHolder, listeningInodes, portFree, portHolder } from './ports.js';

describe('listeningInodes', () => {
  it('reads the LISTEN sockets of a port from /proc/net/tcp text', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 999 1 0',
      '   2: 0100007F:1C8D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0',
    ].join('\n');
    expect(listeningInodes(text, 8080)).toEqual(['12345']);
    expect(listeningInodes(text, 7309)).toEqual(['777']);
    expect(listeningInodes(text, 1)).toEqual([]);
  });
});

describe.skipIf(process.platform !== 'linux')('portHolder', () => {
  it('finds this process as the holder of a port it listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await portFree(port)).toBe(false);
      const holder = portHolder(port);
      expect(holder?.pid).toBe(process.pid);
      expect(describeHolder(holder)).toMatch(new RegExp(`^pid ${process.pid} \\(.*node`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portFree(port)).toBe(true);
  });
});
