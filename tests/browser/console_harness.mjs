// What both console tests share: Debian's Chromium, headless, driven by playwright-core (never a
// downloaded browser), a page that records errors and any request leaving the broker, named
// checks that screenshot on failure, and the chart helpers.
//
// Command line of a test using it: [--out DIR] [--chromium /usr/bin/chromium]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

// The screenshot directory and the browser; exits the process if Chromium is missing.
export function browserOptions(name) {
  const out = path.resolve(option('--out', path.join(os.tmpdir(), `cairn-${name}`)));
  const executablePath = option('--chromium', process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium');
  fs.mkdirSync(out, {recursive: true});
  if (!fs.existsSync(executablePath)) {
    console.error(`${name}: no Chromium at ${executablePath}: run tools/install-deps.sh`);
    process.exit(1);
  }
  return {out, executablePath};
}

// Opens a page for a console served at `origin`.
export async function openConsole({out, executablePath, origin, timeoutMs}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: {width: 1280, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(timeoutMs);
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) problems.push(`a request left the broker: ${r.url()}`);
  });

  const results = [];
  return {
    page,
    problems,
    async check(name, body) {
      const started = Date.now();
      try {
        await body();
        results.push({name, ok: true});
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        results.push({name, ok: false});
        console.log(`FAIL ${name}: ${e.message}`);
        await page.screenshot({path: path.join(out, `failed-${results.length}.png`), fullPage: true}).catch(() => {});
      }
    },
    points: (testid) => page.getByTestId(testid).getAttribute('data-points').then(Number),
    async waitForMorePoints(testid, than) {
      await page.waitForFunction(([id, n]) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.points) > n, [testid, than]);
    },
    async close() {
      await context.close();
      fs.rmSync(profile, {recursive: true, force: true});
    },
    // Prints the summary and exits non-zero on any failed check.
    finish() {
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed`);
      console.log(`screenshots in ${out}`);
      process.exit(failed === 0 ? 0 : 1);
    },
  };
}
