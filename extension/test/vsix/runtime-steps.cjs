'use strict';
// The .vsix smoke test's runtime part (issue #15), in a trusted clean VS Code whose PATH has no weft,
// no Node project and no runtime/ folder: the bundled runtime runs a workflow (input form, Runs and
// Trace views), the integrated terminal has `weft`, and a workspace that pins a runtime gets it, or a
// clear refusal when its protocol differs.
const fs = require('node:fs');
const path = require('node:path');

/** PATH without any folder that holds a `weft` (the clean machine has none). */
function pathWithoutWeft(PATH) {
  return PATH.split(path.delimiter)
    .filter((dir) => dir && !fs.existsSync(path.join(dir, 'weft')))
    .join(path.delimiter);
}

/** Command lines of running processes that run a Weft runtime's CLI (for "restricted runs nothing"). */
function weftProcesses(marker) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(marker) && /weft\.(mjs|js)|cli\/main\.ts/.test(cmd))
        found.push(`${pid}: ${cmd.trim()}`);
    } catch {
      // gone
    }
  }
  return found;
}

async function waitFor(what, fn, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `page` shows the trusted workspace with workflow.yaml open. `fixed` is the workflow without its
 * error; `installed` the extension's folder in the extensions dir.
 */
async function runtimeSteps({ page, check, shot, stamp, workspace, fixed, installed, runtimeVersion }) {
  const palette = async (command) => {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${command}`);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: command })
      .first()
      .waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
  };
  const header = (title) =>
    page
      .locator('.pane-header', { has: page.locator('h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) })
      .first();
  // the Runtime view's title, as shown (innerText: what is visible), in its collapsed header
  const runtimeHeader = async () =>
    (
      await page
        .locator('.pane-header h3.title', { hasText: /^Runtime/i })
        .first()
        // biome-ignore lint/performance/useDomNodeTextContent: what the header shows is the point
        .innerText()
    ).replace(/\s+/g, ' ');
  const notifications = async () =>
    (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ');

  // the Runtime view's header says which runtime and its version, before anything ran
  const bundledHeader = await waitFor('the Runtime view header', async () => {
    const text = await runtimeHeader();
    return text.toLowerCase().includes(`runtime ${runtimeVersion} · bundled`) && text;
  });
  check(true, `the Runtime view shows the bundled runtime: "${bundledHeader.trim()}"`);

  // fix the workflow's error on disk; the editor reloads it and the squiggle goes
  fs.writeFileSync(path.join(workspace, 'workflow.yaml'), fixed);
  await waitFor(
    'the squiggle to go',
    async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0,
  );

  // Run Workflow with the input form, on the bundled runtime
  const runWithForm = async (topic) => {
    await page.locator('.tab', { hasText: 'workflow.yaml' }).first().click();
    await palette('Weft: Run Workflow');
    const form = page.locator('.quick-input-widget', { hasText: 'Run vsix-smoke: topic' });
    await form.waitFor({ timeout: 20_000 });
    await page.keyboard.type(topic);
    await page.keyboard.press('Enter');
  };
  await runWithForm('bundles');
  check(true, 'Run Workflow asks for the input "topic" in its form');
  const runsPane = page.locator('.pane', { has: header('Runs') });
  const runRow = runsPane
    .locator('.monaco-list-row', { hasText: 'vsix-smoke' })
    .filter({ hasText: 'succeeded' });
  await runRow.first().waitFor({ timeout: 45_000 });
  check(true, "the Runs view lists the run of vsix-smoke as succeeded (bundled runtime, VS Code's Node)");
  const tracePane = page.locator('.pane', { has: header('Trace') });
  for (const step of ['hello', 'reply']) {
    await tracePane.locator('.monaco-list-row', { hasText: step }).first().waitFor({ timeout: 15_000 });
  }
  const traceRows = (await tracePane.locator('.monaco-list-row').allInnerTexts()).map((t) =>
    t.replace(/\s+/g, ' '),
  );
  check(traceRows.length >= 3, `the Trace view shows the run's spans: ${traceRows.join(' | ')}`);
  const serverHeader = await runtimeHeader();
  await shot('9-bundled-run');

  // the integrated terminal has `weft` (the extension's shim, first on its PATH)
  await palette('Terminal: Create New Terminal');
  await page.locator('.terminal-wrapper .xterm').first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(1500); // the shell's prompt
  const inTerminal = async (line, file) => {
    await page.locator('.terminal-wrapper .xterm').first().click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    return waitFor(`${file} from the terminal`, () => {
      const f = path.join(workspace, file);
      const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
      return text.split('\n').length > 2 && text;
    });
  };
  const out = await inTerminal(
    '{ weft --version; command -v weft; } > weft-version.txt 2>&1; echo done >> weft-version.txt',
    'weft-version.txt',
  );
  const [printed, where] = out.split('\n');
  await shot('10-terminal');
  check(
    printed === runtimeVersion,
    `the terminal's \`weft --version\` prints the bundled version ${runtimeVersion} (${printed})`,
  );
  check(
    /\/bin\/weft$/.test(where ?? '') && !where.startsWith(workspace),
    `\`weft\` is the extension's shim (${where})`,
  );
  stamp(`runtime header after the run: ${serverHeader}`);

  // a workspace that pins a runtime of another protocol: refused, clearly, and nothing runs
  const pinned = path.join(workspace, 'node_modules', '@weft', 'runtime');
  fs.cpSync(path.join(installed, 'out', 'runtime'), pinned, { recursive: true });
  const pin = (version, protocol) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(pinned, 'package.json'), 'utf8'));
    fs.writeFileSync(
      path.join(pinned, 'package.json'),
      JSON.stringify({ ...pkg, version, weft: { ...pkg.weft, protocol } }),
    );
  };
  pin('9.9.9', 99);
  await runWithForm('pinned');
  const refusal = await waitFor('the refusal', async () => {
    const text = await notifications();
    return /speaks protocol 99/.test(text) && text;
  });
  check(
    /9\.9\.9/.test(refusal) &&
      /this Weft extension speaks protocol 1/.test(refusal) &&
      /update the Weft extension/.test(refusal),
    `a pinned runtime of protocol 99 is refused with what to do: ${refusal.slice(refusal.indexOf('Weft: the runtime')).replace(/\s+/g, ' ').slice(0, 400)}`,
  );
  const refusedHeader = await waitFor('the Runtime view to say refused', async () => {
    const text = await runtimeHeader();
    return /refused/i.test(text) && text;
  });
  check(true, `the Runtime view says so: "${refusedHeader.trim()}"`);
  await shot('11-pinned-refused');
  for (const close of await page.locator('.notifications-toasts .codicon-notifications-clear').all())
    await close.click().catch(() => {});

  // the same pin at the extension's protocol: runs use it, and the terminal's `weft` follows
  pin('0.1.0-pinned', 1);
  await runWithForm('pinned');
  await runsPane
    .locator('.monaco-list-row', { hasText: 'vsix-smoke' })
    .filter({ hasText: 'succeeded' })
    .nth(1)
    .waitFor({ timeout: 45_000 });
  const pinnedHeader = await waitFor('the Runtime view to show the pin', async () => {
    const text = await runtimeHeader();
    return /0\.1\.0-pinned · pinned by the workspace/i.test(text) && text;
  });
  check(true, `a pinned runtime of the same protocol runs the workflow: "${pinnedHeader.trim()}"`);
  const pinnedServers = weftProcesses(pinned);
  check(pinnedServers.length > 0, `the local weft serve is the pinned one (${pinnedServers[0] ?? 'none'})`);
  const again = await inTerminal(
    '{ weft --version; command -v weft; } > weft-version2.txt 2>&1; echo done >> weft-version2.txt',
    'weft-version2.txt',
  );
  // (the copy's CLI prints the version it was built with; the shim it runs is what follows the pin)
  const shimNow = fs.readFileSync(again.split('\n')[1], 'utf8');
  check(
    shimNow.includes(path.join(pinned, 'weft.mjs')),
    `the terminal's \`weft\` now runs the pinned runtime (${shimNow.split('\n').find((l) => l.startsWith('# runtime:'))})`,
  );
  await shot('12-pinned-run');
}

module.exports = { pathWithoutWeft, weftProcesses, runtimeSteps };
