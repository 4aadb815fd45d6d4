// The web console in a real browser: Debian's Chromium, headless, driven by playwright-core
// (never a downloaded browser), against the fake API (fake_api.mjs) with its workload running.
// It checks that the pages render and the charts update, clicks through a topic and a group,
// goes through the confirmations, and saves screenshots.
//
//   node tests/browser/console_test.mjs [--out DIR] [--chromium /usr/bin/chromium]
//
// Prints "N passed, N failed" and exits non-zero on any failure.

import assert from 'node:assert/strict';
import path from 'node:path';
import {browserOptions, openConsole} from './console_harness.mjs';
import {startFakeApi} from './fake_api.mjs';

const {out, executablePath} = browserOptions('console-test');

const api = await startFakeApi({tickMs: 200});
const browser = await openConsole({out, executablePath, origin: api.url, timeoutMs: 15000});
const {page, problems, check, points, waitForMorePoints} = browser;

try {
  await check('the overview shows the broker ready and both charts fill and update', async () => {
    await page.goto(api.url);
    await assert.doesNotReject(page.getByTestId('health-status').filter({hasText: 'ready'}).waitFor());
    await waitForMorePoints('chart-throughput', 0);
    const before = await points('chart-throughput');
    await waitForMorePoints('chart-throughput', before);
    await waitForMorePoints('chart-lag', 0);
    const lines = await page.locator('[data-testid="chart-throughput"] polyline').count();
    assert.equal(lines, 2);
    const lagSeries = await page.locator('[data-testid="chart-lag"] polyline').evaluateAll((ls) => ls.map((l) => l.dataset.series));
    assert.deepEqual(lagSeries, ['audit', 'billing']);
    await page.screenshot({path: path.join(out, 'overview.png'), fullPage: true});
  });

  await check('the topics page lists the topics with partitions and sizes', async () => {
    await page.getByRole('link', {name: 'Topics', exact: true}).click();
    const table = page.getByTestId('topics-table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    assert.match(rows.find((r) => r.startsWith('orders')), /^orders\t3\t[\d,]+\t[\d.]+ KiB\tonline$/);
    assert.match(rows.find((r) => r.startsWith('payments')), /^payments\t2\t/);
    await page.screenshot({path: path.join(out, 'topics.png'), fullPage: true});
  });

  await check('a topic shows its partitions, settings and recent records as JSON', async () => {
    await page.getByTestId('topic-link-orders').click();
    await page.getByTestId('partitions-table').waitFor();
    assert.equal(await page.locator('[data-testid="partitions-table"] tbody tr').count(), 3);
    await assert.doesNotReject(page.getByTestId('topic-config').filter({hasText: 'retention_ms'}).waitFor());
    const records = page.getByTestId('records-table');
    await records.waitFor();
    assert.equal(await records.locator('tbody tr').count(), 20);
    const value = await records.locator('tbody tr').first().locator('td').nth(3).locator('pre');
    assert.equal(await value.getAttribute('data-mode'), 'json');
    assert.match(await value.innerText(), /"customer": "c-\d+"/);
    assert.match(await records.locator('tbody tr').first().locator('td').nth(4).innerText(), /^trace-id: t[0-9a-f]+$/);
    await waitForMorePoints('chart-topic-throughput', 0);
    await page.screenshot({path: path.join(out, 'topic-orders.png'), fullPage: true});
  });

  await check('records can be searched by offset and by time and shown as hex', async () => {
    await page.getByTestId('records-search-by').selectOption('offset');
    await page.getByTestId('records-where').fill('5');
    await page.getByTestId('records-go').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="records-table"] tbody tr td')?.innerText === '5');
    await page.getByTestId('records-next').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="records-table"] tbody tr td')?.innerText === '25');
    await page.getByTestId('records-format').selectOption('hex');
    const hex = await page.locator('[data-testid="records-table"] tbody tr').first().locator('td').nth(3).locator('pre');
    assert.equal(await hex.getAttribute('data-mode'), 'hex');
    assert.match(await hex.innerText(), /^00000000  7b 22 69 64/);
    await page.getByTestId('records-search-by').selectOption('time');
    await page.getByTestId('records-where').fill(String(Date.now() + 60_000));
    await page.getByTestId('records-go').click();
    await page.getByTestId('records-panel').getByText('No records here.').waitFor();
  });

  await check('binary values fall back to hex on their own', async () => {
    await page.goto(`${api.url}#/topics/payments`);
    const records = page.getByTestId('records-table');
    await records.waitFor();
    const modes = await records.locator('tbody tr td:nth-child(4) pre').evaluateAll((ps) => ps.map((p) => p.dataset.mode));
    assert.ok(modes.includes('hex') && modes.includes('text'), `modes: ${modes}`);
  });

  await check('deleting a topic needs its name typed, and cancelling keeps it', async () => {
    await page.getByTestId('delete-topic').click();
    const confirmButton = page.getByTestId('confirm-button');
    assert.equal(await confirmButton.isDisabled(), true);
    await page.getByTestId('confirm-input').fill('paymentz');
    assert.equal(await confirmButton.isDisabled(), true);
    await page.getByTestId('confirm-input').fill('payments');
    assert.equal(await confirmButton.isDisabled(), false);
    await page.screenshot({path: path.join(out, 'confirm-delete.png')});
    await page.getByTestId('cancel-button').click();
    assert.ok(api.broker.topics.has('payments'));
  });

  await check('creating a topic goes through a confirmation and opens the new topic', async () => {
    await page.goto(`${api.url}#/topics`);
    await page.getByTestId('create-topic').click();
    await page.getByTestId('topic-name').fill('invoices');
    await page.getByTestId('topic-partitions').fill('4');
    await page.getByTestId('submit-button').click();
    assert.ok(!api.broker.topics.has('invoices'), 'created before the confirmation');
    await page.getByTestId('confirm-button').click();
    await page.waitForURL(/#\/topics\/invoices$/);
    await page.getByTestId('partitions-table').waitFor();
    assert.equal(await page.locator('[data-testid="partitions-table"] tbody tr').count(), 4);
  });

  await check('the groups page lists the groups with their lag', async () => {
    await page.getByRole('link', {name: 'Consumer groups'}).click();
    await page.getByTestId('groups-table').waitFor();
    const lag = Number((await page.getByTestId('group-lag-billing').innerText()).replaceAll(',', ''));
    assert.ok(lag > 0, `billing lag ${lag}`);
    await page.screenshot({path: path.join(out, 'groups.png'), fullPage: true});
  });

  await check('a group shows members, assignments, per-partition lag and a live lag chart', async () => {
    await page.getByTestId('group-link-billing').click();
    const members = page.getByTestId('members-table');
    await members.waitFor();
    const rows = await members.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /billing-1\t127\.0\.0\.1\t\s*orders: 0, 1/);
    const offsets = await page.locator('[data-testid="offsets-table"] tbody tr').allInnerTexts();
    assert.equal(offsets.length, 3);
    for (const row of offsets) {
      const [, , committed, hw, lag] = row.split('\t').map((c) => Number(c.replaceAll(',', '')));
      assert.equal(lag, hw - committed, row);
    }
    await waitForMorePoints('chart-group-lag', 0);
    const before = await points('chart-group-lag');
    await waitForMorePoints('chart-group-lag', before);
    assert.equal(await page.getByTestId('reset-offsets').isDisabled(), true, 'reset offered on a group with members');
    await page.screenshot({path: path.join(out, 'group-billing.png'), fullPage: true});
  });

  await check('an empty group\'s offsets reset to the earliest after typing its name', async () => {
    await page.goto(`${api.url}#/groups/audit`);
    await page.getByTestId('offsets-table').waitFor();
    await page.getByTestId('reset-to').selectOption('earliest');
    await page.getByTestId('reset-offsets').click();
    await page.getByTestId('confirm-input').fill('audit');
    await page.getByTestId('confirm-button').click();
    await page.getByTestId('reset-status').filter({hasText: 'Reset 2 partitions.'}).waitFor();
    assert.deepEqual([...api.broker.groups.get('audit').committed.values()], [0, 0]);
    await page.screenshot({path: path.join(out, 'group-audit-reset.png'), fullPage: true});
  });

  await check('the page made no errors and fetched nothing from outside the broker', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
  await api.close();
}

browser.finish();
