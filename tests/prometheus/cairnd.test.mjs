// A real Prometheus (Debian's package) on loopback scrapes a real cairnd after a known workload
// (300 records produced to a topic of 3 partitions, 120 consumed and committed by a group): its
// HTTP API returns records in = records produced and lag = produced - consumed, and the lag
// derived from the offset series agrees. Programs: $CAIRN_CAIRND, $CAIRN_CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {startCairnd, orderLines, PRODUCE_ARGS} from '../support/real_cairnd.mjs';

const PROMETHEUS = process.env.CAIRN_PROMETHEUS ?? '/usr/bin/prometheus';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startPrometheus(target, dir) {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:',
    '  - job_name: cairn', '    static_configs:', `      - targets: ['${target}']`, '',
  ].join('\n'));
  const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
  const child = spawn(PROMETHEUS, [
    `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], {stdio: ['ignore', log, log]});
  return {child, url: `http://127.0.0.1:${port}`};
}

async function query(prometheus, expr) {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await response.json();
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

// Asks until `expr` has a result whose value `accept` takes.
async function waitFor(prometheus, expr, accept = () => true, limitMs = 30000) {
  const deadline = Date.now() + limitMs;
  let last = [];
  for (;;) {
    try {
      last = await query(prometheus, expr);
      if (last.length > 0 && accept(last[0].value[1])) return last;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`${expr}: ${JSON.stringify(last)} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('Prometheus scraping a real cairnd sees records produced and lag = produced - consumed', async () => {
  assert.ok(fs.existsSync(PROMETHEUS), `${PROMETHEUS} is missing: run tools/install-deps.sh`);
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
    if (prometheus) {
      prometheus.child.kill('SIGTERM');
      await once(prometheus.child, 'exit');
    }
    await cairnd.stop();
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
