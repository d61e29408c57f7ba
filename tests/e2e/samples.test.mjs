// Every shared sample log, alone and all together in one drop: the page's JSON export must be
// byte-identical to the native CLI's `sessions --format json` for the same files, its session
// count must match, each file the CLI reports errors for must be named in a file error, and a
// drop the CLI can read nothing from must end in the error state.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  App,
  assertSameJson,
  cliJson,
  exportJson,
  loadFiles,
  sample,
  sampleFiles,
  sessionCount,
  waitDone,
} from './harness.mjs';

let app;
before(async () => {
  app = await App.start();
});
after(async () => {
  await app?.close();
});

/** Loads `paths` in a fresh page and checks it against the CLI. */
async function checkAgainstCli(paths, label) {
  const cli = cliJson(paths);
  const page = await app.open();
  try {
    await loadFiles(page, paths);
    const state = await waitDone(page);
    const fileErrors = await page.locator('[data-testid=file-error]').allTextContents();
    if (cli.json === null) {
      // The CLI read nothing at all (exit 1): the page must say so.
      assert.equal(state, 'error', `${label}: status when nothing could be read`);
      for (const p of paths) {
        const name = path.basename(p);
        assert.ok(
          fileErrors.some((text) => text.includes(name)),
          `${label}: a [data-testid=file-error] names ${name} (shown: ${JSON.stringify(fileErrors)})`,
        );
      }
    } else {
      assert.equal(state, 'done', `${label}: status`);
      assert.equal(await sessionCount(page), cli.json.sessions.length, `${label}: session-count`);
      const exported = await exportJson(page);
      assertSameJson(exported, cli.stdout, label);
      const failed = cli.json.files.filter((f) => f.errors.length > 0).map((f) => f.name);
      for (const name of failed) {
        assert.ok(
          fileErrors.some((text) => text.includes(name)),
          `${label}: a [data-testid=file-error] names ${name} (shown: ${JSON.stringify(fileErrors)})`,
        );
      }
      assert.equal(
        fileErrors.length,
        failed.length,
        `${label}: one [data-testid=file-error] per file with errors (${JSON.stringify(failed)}), shown: ${JSON.stringify(fileErrors)}`,
      );
    }
    App.assertClean(page);
  } finally {
    await App.closePage(page);
  }
}

describe('each sample alone: export equals the CLI', () => {
  for (const name of sampleFiles()) {
    test(name, { timeout: 180_000 }, async () => {
      await checkAgainstCli([sample(name)], name);
    });
  }
});

test('all samples in one drop: export equals the CLI', { timeout: 300_000 }, async () => {
  const all = sampleFiles().map(sample);
  assert.equal(all.length, 18, 'the shared samples are 18 logs');
  await checkAgainstCli(all, 'all samples');
});
