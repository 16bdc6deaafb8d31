import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelClient } from '../models/index.js';
import { MemoryJournalStore } from '../store/journal-store.js';
import { buildServer } from './app.js';
import { ConfigError, loadServerConfig } from './config.js';
import { memoryJournalEngine } from './memory-journal.js';
import { ECHO_WORKFLOW, type TempDir, tempDir } from './test-support.js';
import { WorkflowRegistry } from './workflows.js';

describe('WEFT_JOURNAL=memory', () => {
  it('config: durable by default, memory on request, anything else refused', () => {
    expect(loadServerConfig({}).journal).toBe('durable');
    expect(loadServerConfig({ WEFT_JOURNAL: 'memory' })).toMatchObject({
      journal: 'memory',
      memoryRuns: 1000,
    });
    expect(loadServerConfig({ WEFT_JOURNAL: 'memory', WEFT_MEMORY_RUNS: '5' }).memoryRuns).toBe(5);
    expect(() => loadServerConfig({ WEFT_JOURNAL: 'sqlite' })).toThrow(ConfigError);
  });

  it('the bounded store forgets the oldest finished journals, never one in flight', async () => {
    const store = new MemoryJournalStore(2);
    const inFlight = await store.create('a');
    await inFlight.append({ type: 'run_resumed' });
    for (const id of ['b', 'c', 'd']) {
      const writer = await store.create(id);
      await writer.append({ type: 'run_resumed' });
      await writer.close();
    }
    expect((await store.list()).sort()).toEqual(['a', 'c', 'd']);
    expect(await store.read('b')).toBeUndefined();
    expect((await store.read('a'))?.events).toEqual([{ type: 'run_resumed', seq: 1 }]);
    expect(store.durable).toBe(false);
  });

  describe('a server on the memory journal', () => {
    let dir: TempDir;
    let app: Awaited<ReturnType<typeof buildServer>>;
    beforeAll(async () => {
      dir = tempDir();
      const env = {};
      const engine = memoryJournalEngine({
        dataDir: `${dir.path}/data`,
        env,
        maxFinishedRuns: 3,
        modelClientFactory: (spec) => createModelClient(spec, { env }),
      });
      app = await buildServer({
        registry: new WorkflowRegistry({ path: dir.write('workflow.yaml', ECHO_WORKFLOW) }),
        engine,
      });
    });
    afterAll(async () => {
      await app.close();
      dir.remove();
    });

    it('runs, answers records and lists, keeps only the last finished runs, writes nothing to disk', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({ method: 'POST', url: '/run', payload: { message: `m${i}` } });
        expect(res.statusCode).toBe(200);
        expect(res.json().outputs.reply).toContain(`m${i}`);
        ids.push(res.json().runId);
      }
      const last = await app.inject({ url: `/runs/${ids[4]}` });
      expect(last.statusCode).toBe(200);
      expect(last.json().trace.length).toBeGreaterThan(1);
      const listed = (await app.inject({ url: '/runs' })).json().runs.map((r: { runId: string }) => r.runId);
      expect(listed).toEqual(expect.arrayContaining(ids.slice(2)));
      expect((await import('node:fs')).existsSync(`${dir.path}/data/runs`)).toBe(false);
    });
  });
});
