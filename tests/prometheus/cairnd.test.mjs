// A real Prometheus (Debian's package) on loopback scrapes a real cairnd after a known workload
// (300 records produced to a topic of 3 partitions, 120 consumed and committed by a group): its
// HTTP API returns records in = records produced and lag = produced - consumed, and the lag
// derived from the offset series agrees. Programs: $CAIRN_CAIRND, $CAIRN_CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {startCairnd, orderLines, PRODUCE_ARGS} from '../support/real_cairnd.mjs';
import {query, startPrometheus, waitFor} from './prometheus.mjs';

test('Prometheus scraping a real cairnd sees records produced and lag = produced - consumed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-prometheus-'));
  const cairnd = await startCairnd();
  let prometheus;
  try {
    cairnd.run(['topics', 'create', 'orders', '--partitions', '3']);
    cairnd.run(['produce', 'orders', ...PRODUCE_ARGS], orderLines(0, 300));
    cairnd.run(['consume', 'orders', '--group', 'billing', '--count', '120']);
    prometheus = await startPrometheus(new URL(cairnd.url).host, dir);
    await waitFor(prometheus, 'up{job="cairn"} == 1');
    const produced = await waitFor(prometheus, 'sum(cairn_records_in_total{topic="orders"})');
    assert.equal(produced[0].value[1], '300');
    const lag = await waitFor(prometheus, 'sum by (group) (cairn_group_lag_records{topic="orders"})');
    assert.equal(lag[0].metric.group, 'billing');
    assert.equal(lag[0].value[1], '180');
    const derived = await query(prometheus,
      'sum(cairn_partition_high_watermark{topic="orders"}) - sum(cairn_group_committed_offset{group="billing",topic="orders"})');
    assert.equal(derived[0].value[1], '180');
    const requests = await waitFor(prometheus, 'sum(cairn_requests_total{api="produce"})');
    assert.ok(Number(requests[0].value[1]) >= 1);
  } finally {
    if (prometheus) await prometheus.stop();
    await cairnd.stop();
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
