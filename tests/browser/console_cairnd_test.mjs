// The web console in a real browser against a real cairnd with a workload running: Debian's
// Chromium, headless, driven by playwright-core, loading the console from cairnd's own listener.
// A producer appends to "orders" every 300 ms, a consumer stays in the group "live", and the
// group "billing" consumes in steps behind them. The test checks that the overview, topics and
// groups render real data and that the charts update, clicks through a topic and a group, and
// saves screenshots. (console_test.mjs runs the same pages against the fake API, whose fixed
// data lets it check the pages in more detail.) Programs: $CAIRN_CAIRND, $CAIRN_CLI.
//
//   node tests/browser/console_cairnd_test.mjs [--out DIR] [--chromium /usr/bin/chromium]

import assert from 'node:assert/strict';
import path from 'node:path';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {browserOptions, openConsole} from './console_harness.mjs';
import {startCairnd, orderLines, PRODUCE_ARGS} from '../support/real_cairnd.mjs';

const {out, executablePath} = browserOptions('console-cairnd-test');

const cairnd = await startCairnd();
cairnd.run(['topics', 'create', 'orders', '--partitions', '3']);
cairnd.run(['produce', 'orders', ...PRODUCE_ARGS], orderLines(0, 200));
cairnd.run(['consume', 'orders', '--group', 'billing', '--count', '50']);
const live = cairnd.start(['consume', 'orders', '--group', 'live']);

// The workload: a batch of records every 300 ms, and billing a step behind every few batches.
const exec = promisify(execFile);
let produced = 200;
let running = true;
const workload = (async () => {
  for (let step = 0; running; ++step) {
    const child = exec(process.env.CAIRN_CLI, ['--broker', cairnd.broker, 'produce', 'orders', ...PRODUCE_ARGS]);
    child.child.stdin.end(orderLines(produced, 30));
    await child.catch(() => {});
    produced += 30;
    if (step % 4 === 3) {
      await exec(process.env.CAIRN_CLI, ['--broker', cairnd.broker, 'consume', 'orders', '--group', 'billing', '--count', '40']).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 300));
  }
})();

const browser = await openConsole({out, executablePath, origin: cairnd.url, timeoutMs: 20000});
const {page, problems, check, points, waitForMorePoints} = browser;

try {
  await check('the console is served by cairnd and shows the broker ready with charts updating', async () => {
    await page.goto(cairnd.url);
    await page.getByTestId('health-status').filter({hasText: 'ready'}).waitFor();
    await waitForMorePoints('chart-throughput', 0);
    const before = await points('chart-throughput');
    await waitForMorePoints('chart-throughput', before);
    await waitForMorePoints('chart-lag', 0);
    await page.screenshot({path: path.join(out, 'overview.png'), fullPage: true});
  });

  await check('the topics page lists the real topic with its partitions', async () => {
    await page.getByRole('link', {name: 'Topics', exact: true}).click();
    const table = page.getByTestId('topics-table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.match(rows.find((r) => r.startsWith('orders')) ?? '', /^orders\t3\t/);
    await page.screenshot({path: path.join(out, 'topics.png'), fullPage: true});
  });

  await check('a topic shows its partitions and its recent records as JSON', async () => {
    await page.getByTestId('topic-link-orders').click();
    await page.getByTestId('partitions-table').waitFor();
    assert.equal(await page.locator('[data-testid="partitions-table"] tbody tr').count(), 3);
    const records = page.getByTestId('records-table');
    await records.waitFor();
    assert.ok(await records.locator('tbody tr').count() > 0);
    const value = records.locator('tbody tr').first().locator('td').nth(3).locator('pre');
    assert.equal(await value.getAttribute('data-mode'), 'json');
    assert.match(await value.innerText(), /"customer": "c-\d+"/);
    await page.screenshot({path: path.join(out, 'topic-orders.png'), fullPage: true});
  });

  await check('the groups page shows billing behind the producer', async () => {
    await page.getByRole('link', {name: 'Consumer groups'}).click();
    await page.getByTestId('groups-table').waitFor();
    const lag = Number((await page.getByTestId('group-lag-billing').innerText()).replaceAll(',', ''));
    assert.ok(lag > 0, `billing lag ${lag}`);
    await page.screenshot({path: path.join(out, 'groups.png'), fullPage: true});
  });

  await check('a group shows per-partition lag as high watermark minus committed', async () => {
    await page.getByTestId('group-link-billing').click();
    await page.getByTestId('offsets-table').waitFor();
    const offsets = await page.locator('[data-testid="offsets-table"] tbody tr').allInnerTexts();
    assert.ok(offsets.length > 0);
    for (const row of offsets) {
      const [, , committed, hw, lag] = row.split('\t').map((c) => Number(c.replaceAll(',', '')));
      assert.equal(lag, hw - committed, row);
    }
    await page.screenshot({path: path.join(out, 'group-billing.png'), fullPage: true});
  });

  await check('a group with a consumer in it lists the member and its assignment', async () => {
    await page.goto(`${cairnd.url}/#/groups/live`);
    const members = page.getByTestId('members-table');
    await members.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="members-table"] tbody tr').length > 0);
    assert.match((await members.locator('tbody tr').allInnerTexts())[0], /orders: 0, 1, 2/);
  });

  await check('the page made no errors and fetched nothing from outside the broker', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  running = false;
  await workload;
  live.kill('SIGTERM');
  await browser.close();
  await cairnd.stop();
}

browser.finish();
