// What a server starting on a data dir finds: runs to resume, damaged runs (never resumed), and runs
// that never started (no start record: removed, their ids free again). Real journals on disk.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scriptedModel } from '../../engine/testing/clients.js';
import { llm, workflow } from '../../engine/testing/definitions.js';
import { EmbeddedEngine } from './index.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-recovery-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const journal = (runId: string) => join(dataDir, 'runs', runId, 'journal.jsonl');

async function plant(runId: string, text: string): Promise<void> {
  await mkdir(join(dataDir, 'runs', runId), { recursive: true });
  await writeFile(journal(runId), text);
}

function engine(): EmbeddedEngine {
  return new EmbeddedEngine({
    dataDir,
    env: {},
    modelClientFactory: scriptedModel(() => ({ text: 'ok' })).factory,
  });
}

describe('EmbeddedEngine start-up recovery', () => {
  it('sorts runs into resumable, damaged and never started, and frees the ids of the last', async () => {
    const e = engine();
    const done = await e.start(workflow([llm('a', 'x'), llm('b', 'y')]), {}, { runId: 'finished' }).result;
    expect(done.status).toBe('succeeded');
    const lines = (await readFile(journal('finished'), 'utf8')).split('\n');
    // a crash after step a's start: resumable
    await plant('crashed', `${lines.slice(0, 2).join('\n')}\n`);
    // line 2 garbage: damaged at line 2
    await plant('garbled', `${lines[0]}\nnot json\n${lines.slice(1).join('\n')}`);
    // the start record itself unreadable: damaged at line 1 (the run's id is all that is known)
    await plant('headless', `${lines[0]!.replace('"crc":"', '"crc":"x')}\n`);
    // no start record: never started
    await plant('empty', '');
    await plant('torn', lines[0]!.slice(0, 40));

    const scan = await engine().recoveryScan();
    expect(scan.resumable).toEqual(['crashed']);
    expect(scan.damaged.map((d) => [d.runId, d.line])).toEqual([
      ['garbled', 2],
      ['headless', 1],
    ]);
    expect(scan.damaged[0]).toMatchObject({
      file: journal('garbled'),
      reason: 'it is not valid JSON',
      hint: expect.stringContaining('delete line 2'),
    });
    expect(scan.discarded.sort()).toEqual(['empty', 'torn']);
    expect(existsSync(join(dataDir, 'runs', 'empty'))).toBe(false);

    const headless = await e.getRun('headless');
    expect(headless).toMatchObject({
      runId: 'headless',
      workflow: '',
      needsAttention: { file: journal('headless'), line: 1 },
    });
    expect(await e.getRun('empty')).toBeUndefined();
    expect(await e.incompleteRuns()).toEqual(['crashed']);
    await expect(e.cancel('garbled')).rejects.toThrow(/corrupt/);
  });

  it('leaves a never-started journal alone while a live process holds its lock, and reuses its id after', async () => {
    await plant('held', '');
    const e = engine();
    const release = await e.store.lock('held');
    expect((await engine().recoveryScan()).discarded).toEqual([]);
    expect(existsSync(journal('held'))).toBe(true);
    await release();
    const run = await e.start(workflow([llm('a', 'x')]), {}, { runId: 'held' }).result;
    expect(run).toMatchObject({ runId: 'held', status: 'succeeded' });
    // a started run's id is taken
    await expect(e.start(workflow([llm('a', 'x')]), {}, { runId: 'held' }).result).rejects.toThrow(
      /already exists/,
    );
  });

  it('handle.started settles once run_started is on disk, and rejects when the run could not be recorded', async () => {
    const e = engine();
    const handle = e.start(workflow([llm('a', 'x')]), {}, { runId: 'quick' });
    await handle.started;
    const first = (await readFile(journal('quick'), 'utf8')).split('\n')[0]!;
    expect(JSON.parse(first).event).toMatchObject({ type: 'run_started', runId: 'quick' });
    await handle.result;
    const again = e.start(workflow([llm('a', 'x')]), {}, { runId: 'quick' });
    await expect(again.started).rejects.toThrow(/already exists/);
    await expect(again.result).rejects.toThrow(/already exists/);
  });
});
