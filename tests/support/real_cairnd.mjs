// A real cairnd for the Node tests (Prometheus, the API contract, the browser): started on free
// loopback ports with a temporary data directory, its ports read from its own log, stopped by
// PID. Programs come from $CAIRN_CAIRND and $CAIRN_CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawn, spawnSync} from 'node:child_process';

export async function startCairnd() {
  const cairnd = process.env.CAIRN_CAIRND;
  const cli = process.env.CAIRN_CLI;
  if (!cairnd || !cli) throw new Error('set CAIRN_CAIRND and CAIRN_CLI to the programs under test');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-real-'));
  const logPath = path.join(dir, 'cairnd.log');
  const log = fs.openSync(logPath, 'w');
  const child = spawn(cairnd, ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--kafka-listen', '127.0.0.1:0',
    '--data-dir', path.join(dir, 'data'), '--group-rebalance-delay-ms', '0'],
  {stdio: ['ignore', log, log]});
  const deadline = Date.now() + 60000;
  let broker;
  let http;
  while (!broker || !http) {
    const text = fs.readFileSync(logPath, 'utf8');
    broker = text.match(/serving on (127\.0\.0\.1:\d+)/)?.[1];
    http = text.match(/on (http:\/\/127\.0\.0\.1:\d+)\//)?.[1];
    if (child.exitCode !== null) throw new Error(`cairnd exited at start:\n${text}`);
    if (Date.now() > deadline) throw new Error(`cairnd did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Runs the command line against this broker; `input` goes to its standard input.
  const run = (args, input = '') => {
    const r = spawnSync(cli, ['--broker', broker, ...args], {input, encoding: 'utf8', timeout: 60000});
    if (r.status !== 0) throw new Error(`cairn ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  // The same, in the background (a consumer that stays in its group).
  const start = (args) => spawn(cli, ['--broker', broker, ...args], {stdio: ['ignore', 'ignore', 'ignore']});
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(dir, {recursive: true, force: true});
  };
  return {broker, url: http, run, start, stop};
}

// `count` keyed JSON records, one a line ("key|value"), for `cairn produce ${PRODUCE_ARGS}`.
export function orderLines(from, count) {
  const lines = [];
  for (let n = from; n < from + count; ++n) {
    lines.push(`order-${n}|` + JSON.stringify({id: n, customer: `c-${n % 17}`, total: n % 100}));
  }
  return lines.join('\n') + '\n';
}

// How orderLines() are produced: the key before '|', a header on each record.
export const PRODUCE_ARGS = ['-K', '|', '-H', 'trace-id=t1'];
