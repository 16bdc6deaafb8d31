import { describe, expect, it } from 'vitest';
import { checklistSize, diffDocument, failureMessage, progressLine } from './report.js';

describe('deploy report', () => {
  it('counts the checklist: credentials, APIs, repository, secrets', () => {
    expect(checklistSize(3, 2)).toBe(7);
    expect(progressLine({ name: 'API run.googleapis.com', ok: true, detail: 'enabled' }, 2, 7)).toBe(
      'preflight 2/7: ✓ API run.googleapis.com',
    );
  });

  it('a failed preflight names the first item, its fix, and copies every fix once', () => {
    const create = 'gcloud secrets create openai-api-key --data-file=- --project acme';
    const enable = 'gcloud services enable run.googleapis.com --project acme';
    const failure = failureMessage('weft-sales', {
      ok: false,
      diff: [],
      failures: ['x', 'y'],
      failedChecks: [
        { name: 'API run.googleapis.com', ok: false, detail: 'not enabled', fix: enable },
        { name: 'secret openai-api-key (OPENAI_API_KEY)', ok: false, detail: 'missing', fix: create },
      ],
    });
    expect(failure.message).toBe(
      `Weft: preflight for weft-sales failed: API run.googleapis.com: not enabled (and 1 more: see Weft Deploy). Fix: ${enable}`,
    );
    expect(failure.fix).toBe(`${enable}\n${create}`);
  });

  it('a revision that fails to start offers the logs command', () => {
    const failure = failureMessage('weft-sales', {
      ok: false,
      diff: [],
      failures: [
        'the revision did not become ready: boom (logs: gcloud run services logs read weft-sales --region europe-west1 --project acme)',
      ],
    });
    expect(failure.fix).toBe('gcloud run services logs read weft-sales --region europe-west1 --project acme');
  });

  it('the diff document says what is kept and why', () => {
    const text = diffDocument(
      { service: 's', project: 'p', region: 'r', image: 'img:1', creating: false, previewTag: 'preview' },
      ['~ image a -> img:1', '= LEGACY kept (secret x:1; not in the profile)'],
    );
    expect(text).toContain('# Weft: update s in p/r');
    expect(text).toContain('(preview revision, tag preview, no traffic)');
    expect(text).toContain('= kept (already on the service, not in weft.deploy.yaml: never removed)');
    expect(text).toContain('= LEGACY kept');
  });
});
