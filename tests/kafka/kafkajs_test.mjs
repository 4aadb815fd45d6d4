// The Kafka listener against kafkajs (pinned in tests/browser/package.json, installed by
// tools/install-deps.sh): topics created by its admin client, a gzip producer, and a group of two
// consumers that share the partitions and read every record once. Starts its own cairnd on
// ephemeral ports.
//
// Usage: node kafkajs_test.mjs CAIRND  (exit 77, skipped, when kafkajs is not installed)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

let kafkajs;
try {
  kafkajs = createRequire(new URL('../browser/package.json', import.meta.url))('kafkajs');
} catch {
  console.log('kafkajs is not installed (tools/install-deps.sh installs it)');
  process.exit(77);
}
const { Kafka, CompressionTypes, logLevel } = kafkajs;
const cairnd = process.argv[2];

const dir = mkdtempSync(join(tmpdir(), 'cairn-kafkajs-'));
const logPath = join(dir, 'cairnd.log');
let broker;
let kafka;

async function waitFor(condition, what, ms = 60000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  const log = openSync(logPath, 'w');
  broker = spawn(cairnd, ['--listen', '127.0.0.1:0', '--kafka-listen', '127.0.0.1:0',
    '--http-listen', '', '--data-dir', join(dir, 'data'), '--group-rebalance-delay-ms', '100',
    '--log-level', 'debug'],
  { stdio: ['ignore', log, log] });
  let address;
  await waitFor(() => {
    const m = /kafka listener on (127\.0\.0\.1:\d+)/.exec(readFileSync(logPath, 'utf8'));
    address = m && m[1];
    return address !== undefined && address !== null;
  }, 'cairnd to start');
  kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [address], logLevel: logLevel.WARN });
});

after(async () => {
  const exited = new Promise((r) => broker.on('exit', r));
  broker.kill('SIGTERM');
  await exited;
  const versions = new Set();
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (line.includes('not served') || line.includes('closing the connection')) {
      console.log(`cairnd: ${line}`);
    }
    const called = /kafka (\w+ v\d+) from client/.exec(line);
    if (called) versions.add(called[1]);
  }
  console.log(`versions called: ${[...versions].sort().join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
});

test('a gzip producer and a group of two consumers read every record once', async () => {
  const admin = kafka.admin();
  await admin.connect();
  assert.equal(await admin.createTopics({ topics: [{ topic: 'kafkajs', numPartitions: 4 }] }), true);
  assert.ok((await admin.listTopics()).includes('kafkajs'));
  const meta = await admin.fetchTopicMetadata({ topics: ['kafkajs'] });
  assert.equal(meta.topics[0].partitions.length, 4);

  const producer = kafka.producer();
  await producer.connect();
  const sent = [];
  for (let batch = 0; batch < 10; ++batch) {
    const messages = [];
    for (let i = 0; i < 50; ++i) {
      const n = batch * 50 + i;
      messages.push({ key: `k${n}`, value: `value-${n}`, headers: { n: String(n) } });
      sent.push(`value-${n}`);
    }
    await producer.send({ topic: 'kafkajs', compression: CompressionTypes.GZIP, messages });
  }
  await producer.disconnect();

  const seen = new Map();
  const members = [];
  const assigned = [new Set(), new Set()];
  for (let m = 0; m < 2; ++m) {
    const consumer = kafka.consumer({ groupId: 'kafkajs-group', sessionTimeout: 10000,
      heartbeatInterval: 500, rebalanceTimeout: 10000 });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      assigned[m] = new Set(e.payload.memberAssignment.kafkajs ?? []);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kafkajs', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value.toString();
        assert.equal(message.headers.n.toString(), v.slice('value-'.length));
        seen.set(v, (seen.get(v) ?? 0) + 1);
      },
    });
    members.push(consumer);
  }
  await waitFor(() => seen.size === sent.length, 'every record consumed');
  await waitFor(() => assigned[0].size + assigned[1].size === 4 && assigned[0].size > 0 &&
      assigned[1].size > 0, 'the two members sharing the partitions');
  for (const c of members) await c.disconnect();
  for (const v of sent) assert.equal(seen.get(v), 1, `deliveries of ${v}`);

  const offsets = await admin.fetchOffsets({ groupId: 'kafkajs-group', topics: ['kafkajs'] });
  const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  assert.equal(committed, sent.length);
  await admin.disconnect();
});
