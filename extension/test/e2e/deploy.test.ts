// Weft: Deploy to Cloud Run from the palette, in the real extension host, against the wire fake of the
// Google APIs (runtime/src/deploy/cloud-run/testing/fake-gcp.ts on 127.0.0.1, reached through
// WEFT_GCP_API_ENDPOINT like the CLI's tests). The quick picks are answered with the workbench's own
// accept command after checking what they offer; the image is a pushed one (`--image` in the CLI).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FakeGcp, startFakeGcp } from '../../../runtime/src/deploy/cloud-run/testing/fake-gcp';
import type { DeployOutcome, ShownMessage } from '../../src/deploy/flow';
import type { OpenPrompt } from '../../src/deploy/prompts';
import type { ChecklistItem } from '../../src/deploy/report';
import { activate, repoDir, screenshot, waitFor, workspaceUri } from './helpers';

interface DeploySnapshot {
  prompt?: OpenPrompt;
  checklist: ChecklistItem[];
  messages: ShownMessage[];
  running: boolean;
}

const snapshot = () => vscode.commands.executeCommand<DeploySnapshot>('weft.internal.deploySnapshot');
const SERVICE = 'projects/acme/locations/europe-west1/services/weft-sales';
const IMAGE = 'europe-west1-docker.pkg.dev/acme/weft/weft-sales:e2e1';
const ACCOUNT = 'serviceAccount:weft-sales-runtime@acme.iam.gserviceaccount.com';
const PROFILE = `# Sales inquiry service: the deploy settings the team shares
service: weft-sales
workflows: sales.yaml
runtime: "@weft/runtime@0.1.0"
cloudRun:
  project: my-project # Weft asks, then remembers
  region: europe-west1
  serviceAccount: weft-sales-runtime
secrets:
  WEFT_API_KEYS: weft-sales-api-keys:1
  OPENAI_API_KEY: openai-api-key:1
`;

/** The prompt whose title matches, once open; on a timeout, what the deploy showed instead. */
async function promptMatching(title: RegExp, timeoutMs = 20_000): Promise<OpenPrompt> {
  try {
    return await waitFor(
      `a prompt matching ${title}`,
      async () => {
        const p = (await snapshot()).prompt;
        return p && title.test(p.title) ? p : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the deploy's state: ${JSON.stringify(await snapshot())}`);
  }
}

/** Waits for the prompt whose title matches, checks what it offers first, and accepts it. */
async function answer(title: RegExp, first: string): Promise<OpenPrompt> {
  const prompt = await promptMatching(title);
  assert.strictEqual(prompt.kind === 'input' ? prompt.value : prompt.active, first, `${prompt.title} offers`);
  await new Promise((r) => setTimeout(r, 150)); // let the workbench render it before accepting
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await waitFor(`${prompt.title} to close`, async () => (await snapshot()).prompt?.title !== prompt.title);
  return prompt;
}

const envOf = (name: string) =>
  (fakeService().template as { containers: Array<{ env: Array<{ name: string }> }> }).containers[0]?.env.find(
    (v) => v.name === name,
  );
let fake: FakeGcp;
const fakeService = () => fake.state.services.get(SERVICE) as Record<string, unknown>;

describe('deploy: Weft: Deploy to Cloud Run (wire fake of the Google APIs)', function () {
  this.timeout(120_000);
  const saved: Record<string, string | undefined> = {};
  const folder = workspaceUri('deploy-sales').fsPath;
  const profileFile = path.join(folder, 'weft.deploy.yaml');

  before(async () => {
    await activate();
    fake = await startFakeGcp({
      enabledApis: new Set([
        'run.googleapis.com',
        'artifactregistry.googleapis.com',
        'secretmanager.googleapis.com',
      ]),
      repositories: new Set(['weft']),
      secrets: new Map([
        ['weft-sales-api-keys', [ACCOUNT]],
        ['openai-api-key', [ACCOUNT]],
      ]),
    });
    // the service exists, with a secret reference and a variable the profile does not name
    fake.state.services.set(SERVICE, {
      name: SERVICE,
      uri: 'https://weft-sales-abc123-ew.a.run.app',
      latestReadyRevision: `${SERVICE}/revisions/weft-sales-00001`,
      template: {
        containers: [
          {
            image: 'europe-west1-docker.pkg.dev/acme/weft/weft-sales:old',
            env: [
              { name: 'FEATURE_FLAG', value: 'on' },
              {
                name: 'LEGACY_TOKEN',
                valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
              },
            ],
          },
        ],
      },
    });
    const env = {
      WEFT_GCP_API_ENDPOINT: fake.url,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'fake-token',
      CLOUDSDK_CORE_PROJECT: 'acme',
      CLOUDSDK_RUN_REGION: undefined,
    };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.mkdirSync(folder, { recursive: true });
    fs.copyFileSync(
      path.join(repoDir(), 'samples/sales-inquiry/workflow.yaml'),
      path.join(folder, 'sales.yaml'),
    );
    fs.writeFileSync(profileFile, PROFILE);
  });

  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(folder, { recursive: true, force: true });
    await fake?.close();
  });

  it('palette flow: picks prefilled from the profile and gcloud, checklist, diff, apply, URL; secrets kept; choices saved', async () => {
    const running = vscode.commands.executeCommand<DeployOutcome>('weft.deployCloudRun', { image: IMAGE });
    // the profile's project is the generated placeholder, so gcloud's (CLOUDSDK_CORE_PROJECT) comes first
    const project = await answer(/^Google Cloud project$/, 'acme');
    assert.ok(project.items.includes('$(edit) Another project…'));
    await answer(/^Cloud Run region$/, 'europe-west1');
    await answer(/^Cloud Run service name$/, 'weft-sales');
    await answer(/traffic$/, 'Deploy');
    const confirm = await promptMatching(/^Update weft-sales in acme\/europe-west1\?/, 30_000);
    assert.match(confirm.title, /1 kept|2 kept/);
    const diff = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'weft-deploy');
    assert.ok(diff, 'the diff document is open');
    const diffText = diff.getText();
    assert.match(diffText, /= LEGACY_TOKEN kept \(secret legacy-token:4; not in the profile\)/);
    assert.match(diffText, /~ image europe-west1-docker\.pkg\.dev\/acme\/weft\/weft-sales:old -> .*:e2e1/);
    assert.strictEqual(
      fake.state.requests.filter((r) => r.method === 'PATCH' && !r.path.includes('validateOnly=true')).length,
      0,
      'nothing applied before the confirmation',
    );
    await screenshot('deploy-confirm');
    await answer(/^Update weft-sales/, 'Apply the changes');
    const outcome = await running;

    assert.strictEqual(outcome.ok, true, JSON.stringify(outcome));
    assert.strictEqual(outcome.url, 'https://weft-sales-abc123-ew.a.run.app');
    const state = await snapshot();
    const shown = state.messages.at(-1);
    assert.strictEqual(shown?.text, 'Weft: weft-sales is deployed: https://weft-sales-abc123-ew.a.run.app');
    assert.deepStrictEqual(shown?.actions, ['Open', 'Copy URL']);
    assert.deepStrictEqual(
      state.checklist.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}`),
      [
        '✓ credentials',
        '✓ API run.googleapis.com',
        '✓ API artifactregistry.googleapis.com',
        '✓ API secretmanager.googleapis.com',
        '✓ Artifact Registry weft',
        '✓ secret weft-sales-api-keys (WEFT_API_KEYS)',
        '✓ secret openai-api-key (OPENAI_API_KEY)',
      ],
    );
    await screenshot('deploy-done');
    // at the fake: the new image, the profile's secrets, and what the service had before, kept
    const container = (fakeService().template as { containers: Array<{ image: string }> }).containers[0];
    assert.strictEqual(container?.image, IMAGE);
    assert.deepStrictEqual(envOf('LEGACY_TOKEN'), {
      name: 'LEGACY_TOKEN',
      valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
    });
    assert.deepStrictEqual(envOf('FEATURE_FLAG'), { name: 'FEATURE_FLAG', value: 'on' });
    assert.deepStrictEqual(envOf('OPENAI_API_KEY'), {
      name: 'OPENAI_API_KEY',
      valueSource: { secretKeyRef: { secret: 'openai-api-key', version: '1' } },
    });
    // the choice is saved for the team, the profile's comments kept
    const profile = fs.readFileSync(profileFile, 'utf8');
    assert.match(profile, /^ {2}project: acme # Weft asks, then remembers$/m);
    assert.match(profile, /^# Sales inquiry service: the deploy settings the team shares$/m);
  });

  it('a tagged preview revision gets no traffic and its own URL', async () => {
    const running = vscode.commands.executeCommand<DeployOutcome>('weft.deployCloudRun', {
      image: IMAGE.replace(':e2e1', ':e2e2'),
      preview: true,
    });
    // the saved profile now answers the project itself
    await answer(/^Google Cloud project$/, 'acme');
    await answer(/^Cloud Run region$/, 'europe-west1');
    await answer(/^Cloud Run service name$/, 'weft-sales');
    await answer(/^Update weft-sales/, 'Apply the changes');
    const outcome = await running;
    assert.strictEqual(outcome.url, 'https://preview---weft-sales-abc123-ew.a.run.app');
    const traffic = fakeService().traffic as Array<{ tag?: string; percent?: number; revision?: string }>;
    assert.deepStrictEqual(
      traffic.map((t) => [t.revision ?? t.tag, t.percent]),
      [
        ['weft-sales-00001', 100],
        ['preview', 0],
      ],
    );
  });

  it('a missing secret stops at preflight with the command that fixes it, and changes nothing', async () => {
    fake.state.secrets.delete('openai-api-key');
    const before = fake.state.requests.length;
    const outcome = await vscode.commands.executeCommand<DeployOutcome>('weft.deployCloudRun', {
      project: 'acme',
      region: 'europe-west1',
      service: 'weft-sales',
      preview: false,
      image: IMAGE,
    });
    assert.strictEqual(outcome.ok, false);
    const fix =
      'printf %s "$OPENAI_API_KEY" | gcloud secrets create openai-api-key --data-file=- --project acme';
    assert.strictEqual(outcome.failure?.fix, fix);
    const shown = (await snapshot()).messages.at(-1);
    assert.strictEqual(shown?.severity, 'error');
    assert.ok(shown?.text.includes('secret openai-api-key (OPENAI_API_KEY): missing'), shown?.text);
    assert.ok(shown?.text.includes(`Fix: ${fix}`), shown?.text);
    assert.deepStrictEqual(shown?.actions, ['Copy command', 'Show Log']);
    const checklist = (await snapshot()).checklist;
    assert.deepStrictEqual(
      checklist.filter((c) => !c.ok).map((c) => c.name),
      ['secret openai-api-key (OPENAI_API_KEY)'],
    );
    const after = fake.state.requests.slice(before);
    assert.ok(!after.some((r) => r.path.startsWith('/v2/')), 'no Cloud Run call after a failed preflight');
    await screenshot('deploy-preflight-failed');
  });
});
