// A real Prometheus (Debian's package) on loopback scrapes a Cairn exposition served by the
// broker's HTTP server, and its HTTP API returns the series with the values that were exported:
// records produced per topic, and each group's lag as the high watermark minus the committed
// offset. The target is the program named by $CAIRN_METRICS_SAMPLE run with --serve (it prints
// "port N" and serves until its standard input closes).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {once} from 'node:events';

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

async function startPrometheus(targetPort, dir) {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: cairn',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${targetPort}']`,
    '',
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

// Asks until `expr` has a result (Prometheus starts, then scrapes once a second).
async function waitFor(prometheus, expr, limitMs = 30000) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      const result = await query(prometheus, expr);
      if (result.length > 0) return result;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`no result for ${expr} in ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('Prometheus scrapes the exposition and returns the exported values', async () => {
  assert.ok(fs.existsSync(PROMETHEUS), `${PROMETHEUS} is missing: run tools/install-deps.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-prometheus-'));
  const target = await startTarget();
  const prometheus = await startPrometheus(target.port, dir);
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
    prometheus.child.kill('SIGTERM');
    target.child.stdin.end();
    await Promise.all([once(prometheus.child, 'exit'), once(target.child, 'exit')]);
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
