// Test entry point loaded by the extension host (extensionTestsPath): runs every *.test.js next to it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const resultsFile = process.env.EXT_TEST_RESULTS;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  // WEFT_E2E_GREP (run.cjs --grep PATTERN): only the tests whose full title matches
  if (process.env.WEFT_E2E_GREP) mocha.grep(new RegExp(process.env.WEFT_E2E_GREP));
  for (const f of fs.readdirSync(__dirname).sort())
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const results: {
      passes: Array<{ title: string; ms?: number }>;
      failures: Array<{ title: string; err: string }>;
    } = {
      passes: [],
      failures: [],
    };
    const t0 = Date.now();
    const runner = mocha.run((failures) => {
      const summary = `${results.passes.length} passed, ${failures} failed in ${Date.now() - t0} ms`;
      console.log(summary);
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ ...results, summary }, null, 2));
      if (failures) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => {
      results.passes.push({ title: t.fullTitle(), ms: t.duration });
      console.log(`  ok   ${t.fullTitle()} (${t.duration}ms)`);
    });
    runner.on('fail', (t, err) => {
      results.failures.push({ title: t.fullTitle(), err: String(err?.stack ?? err) });
      console.log(`  FAIL ${t.fullTitle()}: ${err}`);
    });
  });
}
