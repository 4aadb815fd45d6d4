// A real Prometheus (Debian's package) on loopback scrapes a Cairn exposition served by the
// broker's HTTP server, and its HTTP API returns the series with the values that were exported:
// records produced per topic, and each group's lag as the high watermark minus the committed
// offset. The target is the program named by $CAIRN_METRICS_SAMPLE run with --serve (it prints
// "port N" and serves until its standard input closes).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {query, startPrometheus, waitFor} from './prometheus.mjs';

async function startTarget() {
  const child = spawn(process.env.CAIRN_METRICS_SAMPLE, ['--serve'], {stdio: ['pipe', 'pipe', 'inherit']});
  let out = '';
  child.stdout.setEncoding('utf8');
  while (!/port \d+\n/.test(out)) {
    const [chunk] = await once(child.stdout, 'data');
    out += chunk;
  }
  return {child, port: Number(out.match(/port (\d+)/)[1])};
}

test('Prometheus scrapes the exposition and returns the exported values', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-prometheus-'));
  const target = await startTarget();
  const prometheus = await startPrometheus(`127.0.0.1:${target.port}`, dir);
  try {
    const up = await waitFor(prometheus, 'up{job="cairn"} == 1');
    assert.equal(up[0].value[1], '1');

    const produced = await waitFor(prometheus, 'cairn_records_in_total{topic="orders"}');
    assert.equal(produced[0].value[1], '15000');

    const lag = await waitFor(prometheus, 'sum by (group) (cairn_group_lag_records{topic="orders"})');
    const derived = await query(prometheus,
      'sum by (group) (cairn_partition_high_watermark{topic="orders"} - on(topic, partition) group_right ' +
      'cairn_group_committed_offset{topic="orders"})');
    assert.equal(lag[0].metric.group, 'billing');
    assert.equal(lag[0].value[1], '2400');  // 3 partitions, 5000 produced and 4200 committed each
    assert.equal(derived[0].value[1], lag[0].value[1]);

    const p99 = await waitFor(prometheus,
      'histogram_quantile(0.99, sum by (le) (cairn_request_duration_seconds_bucket{api="produce"}))');
    const seconds = Number(p99[0].value[1]);
    assert.ok(seconds > 0.0025 && seconds <= 0.01, `p99 ${seconds}`);

    const odd = await waitFor(prometheus, 'cairn_records_in_total{topic="odd \\"topic\\" \\\\ name"}');
    assert.equal(odd[0].value[1], '15000');
  } finally {
    target.child.stdin.end();
    await Promise.all([prometheus.stop(), once(target.child, 'exit')]);
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
