import { describe, expect, it } from 'vitest';
import { actionsFor, statusBarView, UNTRUSTED_VIEW } from './presentation.js';
import type { StackStatus } from './status.js';

const healthy: StackStatus = {
  backend: 'compose',
  services: [
    { name: 'weft', state: 'healthy', url: 'http://127.0.0.1:8000' },
    { name: 'worker', state: 'healthy' },
    { name: 'temporal', state: 'healthy', url: '127.0.0.1:7233' },
    { name: 'redis', state: 'healthy', url: 'redis://127.0.0.1:6379' },
  ],
};
const commands = (status: StackStatus | undefined, op?: 'starting') =>
  actionsFor(status, op).map((a) => a.command);

describe('statusBarView', () => {
  it('healthy: a check mark, one tooltip line per service with its URL', () => {
    const view = statusBarView(healthy);
    expect(view.text).toBe('$(check) Weft stack');
    expect(view.background).toBeUndefined();
    expect(view.tooltip.split('\n')).toEqual([
      '**Weft stack**: healthy · compose backend',
      '',
      '$(pass) **weft** healthy · http://127.0.0.1:8000  ',
      '$(pass) **worker** healthy  ',
      '$(pass) **temporal** healthy · 127.0.0.1:7233  ',
      '$(pass) **redis** healthy · redis://127.0.0.1:6379  ',
      '',
      'Click for stack actions.',
    ]);
  });

  it('degraded: names the services that are down, on a warning background', () => {
    const status: StackStatus = {
      ...healthy,
      services: healthy.services.map((s) =>
        s.name === 'redis'
          ? { ...s, state: 'unhealthy' }
          : s.name === 'worker'
            ? { ...s, state: 'stopped', detail: 'container weft-w-worker-1 (exited 137)' }
            : s,
      ),
    };
    const view = statusBarView(status);
    expect(view.text).toBe('$(warning) Weft stack: worker, redis are down');
    expect(view.background).toBe('statusBarItem.warningBackground');
    expect(view.tooltip).toContain('$(error) **redis** unhealthy');
    expect(view.tooltip).toContain(
      '$(circle-outline) **worker** stopped · container weft-w-worker-1 \\(exited 137\\)',
    );
  });

  it('busy while an operation runs, whatever the last status', () => {
    expect(statusBarView(healthy, 'restarting').text).toBe('$(loading~spin) Weft stack: restarting…');
    expect(statusBarView(undefined, 'starting').tooltip).toMatch(/^\*\*Weft stack\*\*: starting…/);
  });

  it('stopped, and failed with the error in the tooltip (Markdown escaped)', () => {
    const stopped = statusBarView({ backend: 'none', services: [] });
    expect(stopped.text).toBe('$(circle-outline) Weft stack: stopped');
    expect(stopped.tooltip).toContain('Not running. Start it with **Weft: Start Stack**.');
    const failed = statusBarView(
      { backend: 'none', services: [] },
      undefined,
      'port 8000 is taken (pid 42)\nmore',
    );
    expect(failed.text).toBe('$(error) Weft stack: failed');
    expect(failed.background).toBe('statusBarItem.errorBackground');
    expect(failed.tooltip).toContain('Last error: port 8000 is taken \\(pid 42\\)');
    expect(failed.tooltip).not.toContain('more');
  });

  it('Restricted Mode: a shield and why', () => {
    expect(UNTRUSTED_VIEW.text).toBe('$(shield) Weft stack');
    expect(UNTRUSTED_VIEW.tooltip).toMatch(/not available in Restricted Mode.*trust the workspace/s);
  });

  it('unknown before the first status read', () => {
    expect(statusBarView(undefined).text).toBe('$(question) Weft stack');
    expect(statusBarView(undefined).tooltip).toContain('State not known yet.');
  });
});

describe('actionsFor', () => {
  it('offers what fits the state, most likely first', () => {
    expect(commands({ backend: 'none', services: [] })).toEqual(['weft.stack.start', 'weft.stack.showLogs']);
    expect(commands(healthy)).toEqual([
      'weft.stack.showLogs',
      'weft.stack.openTemporalUi',
      'weft.stack.restart',
      'weft.stack.stop',
    ]);
    const degraded = { ...healthy, services: [{ name: 'redis', state: 'unhealthy' as const }] };
    expect(commands(degraded)[0]).toBe('weft.stack.start');
    expect(commands(healthy, 'starting')).toEqual(['weft.stack.showLogs']);
    expect(commands(undefined)).toContain('weft.stack.start');
  });
});
