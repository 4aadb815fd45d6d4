// A real Prometheus (Debian's package) started on a loopback port for the tests in this
// directory: it scrapes one target every second, and `waitFor` asks its HTTP API until an
// expression has a result.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {once} from 'node:events';

export const PROMETHEUS = process.env.CAIRN_PROMETHEUS ?? '/usr/bin/prometheus';

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

// Starts Prometheus scraping `target` (HOST:PORT), its data and log in `dir`.
export async function startPrometheus(target, dir) {
  assert.ok(fs.existsSync(PROMETHEUS), `${PROMETHEUS} is missing: run tools/install-deps.sh`);
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
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export async function query(prometheus, expr) {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await response.json();
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

// Asks until `expr` has a result whose first value `accept` takes (Prometheus starts, then
// scrapes once a second).
export async function waitFor(prometheus, expr, accept = () => true, limitMs = 30000) {
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
