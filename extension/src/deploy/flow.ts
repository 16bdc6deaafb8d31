// Weft: Deploy to Cloud Run. The profile -> project, region, service, traffic and image (quick picks,
// prefilled from weft.deploy.yaml and gcloud, saved back to it) -> preflight as a checklist with
// progress -> build and push -> the diff, applied only on confirm -> the URL. The runtime does the work
// (runtime/src/deploy, loaded from out/deploy.js); this file asks and shows.
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type DeployRuntime, deployRuntime } from './load.js';
import { chooseProfileFile } from './profile-file.js';
import { type OpenPrompt, Prompts } from './prompts.js';
import { askChoices, type DeployArgs } from './questions.js';
import {
  type ChecklistItem,
  checklistSize,
  diffDocument,
  type Failure,
  failureMessage,
  progressLine,
} from './report.js';
import type { CloudRunResult, DeployProfile } from './runtime.js';

export interface DeployOutcome {
  ok: boolean;
  cancelled?: boolean;
  url?: string;
  profileFile?: string;
  failure?: Failure;
}

export interface ShownMessage {
  severity: 'info' | 'error';
  text: string;
  actions: string[];
}

export const DIFF_SCHEME = 'weft-deploy';

export class DeployFlow implements vscode.Disposable {
  readonly prompts = new Prompts();
  readonly log = vscode.window.createOutputChannel('Weft Deploy');
  checklist: ChecklistItem[] = [];
  messages: ShownMessage[] = [];
  running = false;
  private readonly diffs = new Map<string, string>();
  private readonly diffChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly provider = vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
    onDidChange: this.diffChanged.event,
    provideTextDocumentContent: (uri) => this.diffs.get(uri.path) ?? '',
  });

  snapshot(): {
    prompt?: OpenPrompt;
    checklist: ChecklistItem[];
    messages: ShownMessage[];
    running: boolean;
  } {
    return {
      prompt: this.prompts.current,
      checklist: this.checklist,
      messages: this.messages,
      running: this.running,
    };
  }

  dispose(): void {
    this.provider.dispose();
    this.diffChanged.dispose();
    this.log.dispose();
  }

  async run(args: DeployArgs = {}): Promise<DeployOutcome> {
    if (this.running) {
      void vscode.window.showWarningMessage(
        'Weft: a deploy is already running (see the Weft Deploy output).',
      );
      return { ok: false, cancelled: true };
    }
    this.running = true;
    this.checklist = [];
    try {
      return await this.deploy(args);
    } catch (error) {
      const text = `Weft: deploy failed: ${(error as Error).message}`;
      this.say(text);
      this.show('error', text, ['Show Log']);
      return { ok: false, failure: { message: text } };
    } finally {
      this.running = false;
    }
  }

  private say = (line: string) => this.log.appendLine(line);

  private show(
    severity: ShownMessage['severity'],
    text: string,
    actions: string[],
  ): Thenable<string | undefined> {
    this.messages.push({ severity, text, actions });
    return severity === 'error'
      ? vscode.window.showErrorMessage(text, ...actions)
      : vscode.window.showInformationMessage(text, ...actions);
  }

  private async deploy(args: DeployArgs): Promise<DeployOutcome> {
    const deploy = await deployRuntime();
    const file = await chooseProfileFile(deploy, this.prompts, args.folder, this.say);
    if (!file) return { ok: false, cancelled: true };
    const folder = path.dirname(file);
    const text = await readFile(file, 'utf8');
    let profile: DeployProfile;
    try {
      profile = deploy.parseProfile(
        text,
        deploy.defaultProfile('weft-service', 'workflow.yaml', deploy.RUNTIME_VERSION),
      );
    } catch (error) {
      const problems = error instanceof deploy.ProfileError ? error.problems : [(error as Error).message];
      for (const p of problems) this.say(p);
      const action = await this.show('error', `Weft: ${problems[0]}`, ['Open weft.deploy.yaml']);
      if (action) await vscode.window.showTextDocument(vscode.Uri.file(file));
      return { ok: false, profileFile: file, failure: { message: problems.join('\n') } };
    }

    const answers = await askChoices(this.prompts, deploy, profile, args);
    if (!answers) return { ok: false, cancelled: true, profileFile: file };
    const { project, region, service, previewTag, image } = answers;
    const saved = deploy.saveChoices(text, { project, region, service });
    if (saved !== text) {
      await writeFile(file, saved);
      this.say(
        `saved project ${project}, region ${region} and service ${service} to ${file} (commit it to share them)`,
      );
    }
    profile.cloudRun.project = project;
    profile.cloudRun.region = region;
    profile.service = service;

    const workflows = await stat(path.join(folder, profile.workflows)).catch(() => undefined);
    if (!workflows) {
      const message = `Weft: ${deploy.PROFILE_FILE}: workflows: ${profile.workflows} does not exist in ${folder}`;
      this.show('error', message, []);
      return { ok: false, profileFile: file, failure: { message } };
    }
    this.log.show(true);
    this.say(`── deploy ${service} to ${project}/${region} (${new Date().toISOString()})`);
    const result = await this.apply(deploy, profile, folder, workflows.isFile(), { image, previewTag });
    return this.finish(service, file, result);
  }

  private apply(
    deploy: DeployRuntime,
    profile: DeployProfile,
    folder: string,
    workflowsIsFile: boolean,
    options: { image?: string; previewTag?: string },
  ): Thenable<CloudRunResult> {
    const total = checklistSize(deploy.REQUIRED_APIS.length, Object.keys(profile.secrets).length);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Weft: deploying ${profile.service}` },
      async (progress) => {
        const check = (item: ChecklistItem) => {
          this.checklist.push(item);
          progress.report({
            message: progressLine(item, this.checklist.length, total),
            increment: 60 / total,
          });
        };
        let gcp: Awaited<ReturnType<DeployRuntime['connectGcp']>>;
        try {
          gcp = await deploy.connectGcp();
          check({
            name: 'credentials',
            ok: true,
            detail: process.env.CLOUDSDK_AUTH_ACCESS_TOKEN
              ? 'CLOUDSDK_AUTH_ACCESS_TOKEN'
              : 'Application Default Credentials',
          });
        } catch (error) {
          const item = {
            name: 'credentials',
            ok: false,
            detail: (error as Error).message,
            fix: 'gcloud auth application-default login',
          };
          check(item);
          return { ok: false, diff: [], failures: [item.detail], failedChecks: [item] };
        }
        try {
          return await deploy.deployToCloudRun(
            gcp,
            profile,
            {
              image: options.image,
              previewTag: options.previewTag,
              workflowsIsFile,
              onCheck: check,
              build: async () => {
                if (!(await stat(path.join(folder, 'Dockerfile')).catch(() => undefined)))
                  throw new Error(
                    `no Dockerfile in ${folder}: run \`weft deploy generate\` there (it writes one from the profile), or deploy an image already pushed`,
                  );
                progress.report({ message: 'building and pushing the image (local Docker)' });
                return deploy.buildAndPush(folder, deploy.imageForBuild(profile, workflowsIsFile), this.say);
              },
              confirm: async (diff, creating) => {
                progress.report({ message: 'waiting for you to confirm the changes' });
                const confirmed = await this.confirm(
                  profile,
                  diff,
                  creating,
                  options.previewTag,
                  options.image,
                );
                if (confirmed)
                  progress.report({
                    message: 'applying; waiting for the revision to be ready',
                    increment: 20,
                  });
                return confirmed;
              },
            },
            this.say,
          );
        } finally {
          await gcp.close();
        }
      },
    );
  }

  private async confirm(
    profile: DeployProfile,
    diff: string[],
    creating: boolean,
    previewTag: string | undefined,
    image: string | undefined,
  ): Promise<boolean> {
    const { project, region } = profile.cloudRun;
    const docPath = `/${project}/${region}/${profile.service}.diff`;
    const built = /^\+ new service, image (.*)$|^~ image .* -> (.*)$/.exec(
      diff.find((l) => /image/.test(l)) ?? '',
    );
    this.diffs.set(
      docPath,
      diffDocument(
        {
          service: profile.service,
          project,
          region,
          previewTag,
          creating,
          image: image ?? built?.[1] ?? built?.[2] ?? '',
        },
        diff,
      ),
    );
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: docPath });
    this.diffChanged.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, {
      preview: true,
      preserveFocus: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    const kept = diff.filter((l) => l.startsWith('=')).length;
    const changes = diff.length - kept;
    const answer = await this.prompts.pick(
      `${creating ? 'Create' : 'Update'} ${profile.service} in ${project}/${region}? ${changes} change${changes === 1 ? '' : 's'}${kept ? `, ${kept} kept` : ''} (the diff is open beside)`,
      [
        { label: creating ? 'Create the service' : 'Apply the changes', apply: true },
        { label: 'Cancel', apply: false },
      ],
    );
    return answer?.apply === true;
  }

  private async finish(service: string, file: string, result: CloudRunResult): Promise<DeployOutcome> {
    if (result.cancelled) {
      this.show('info', `Weft: deploy of ${service} cancelled; nothing was changed.`, []);
      return { ok: false, cancelled: true, profileFile: file };
    }
    if (!result.ok || !result.url) {
      const failure = failureMessage(service, result);
      for (const f of result.failures) this.say(`✗ ${f}`);
      const actions = failure.fix ? ['Copy command', 'Show Log'] : ['Show Log'];
      void this.show('error', failure.message, actions).then(async (action) => {
        if (action === 'Copy command' && failure.fix) await vscode.env.clipboard.writeText(failure.fix);
        else if (action === 'Show Log') this.log.show(true);
      });
      return { ok: false, profileFile: file, failure };
    }
    const url = result.url;
    void this.show('info', `Weft: ${service} is deployed: ${url}`, ['Open', 'Copy URL']).then(
      async (action) => {
        if (action === 'Open') await vscode.env.openExternal(vscode.Uri.parse(url));
        else if (action === 'Copy URL') await vscode.env.clipboard.writeText(url);
      },
    );
    return { ok: true, url, profileFile: file };
  }
}
