// A stand-in for cairnd's HTTP listener: the console's files from console/src and the JSON API
// of broker/http/API.md over an in-memory broker with a workload running (producers appending
// to two topics, one group consuming behind them, one empty group). For the browser test, and
// for working on the console without a broker:
//
//   node tests/browser/fake_api.mjs [--port 9644]
//
// It follows API.md's shapes and errors; it is not a broker (no storage, no wire protocol).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultConsoleDir = path.resolve(here, '../../console/src');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const DEFAULT_CONFIG = {retention_ms: 604800000, retention_bytes: -1, segment_bytes: 1073741824, segment_ms: 604800000, fsync: 'always'};
const MAX_RECORDS_KEPT = 5000;  // per partition; older records are "deleted by retention"

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class FakeBroker {
  constructor() {
    this.started = Date.now();
    this.sequence = 0;
    this.topics = new Map();
    this.groups = new Map();
    this.createTopic({name: '__consumer_offsets', partitions: 1}, true);
    this.createTopic({name: 'orders', partitions: 3});
    this.createTopic({name: 'payments', partitions: 2});
    for (let i = 0; i < 40; i += 1) this.produce();
    this.groups.set('billing', {
      state: 'stable', generation: 4, protocol: 'range', leader: 'billing-1-5d9c',
      members: [
        {member_id: 'billing-1-5d9c', client_id: 'billing-1', host: '127.0.0.1', assignments: [{topic: 'orders', partitions: [0, 1]}]},
        {member_id: 'billing-2-a17e', client_id: 'billing-2', host: '127.0.0.1', assignments: [{topic: 'orders', partitions: [2]}]},
      ],
      committed: new Map([['orders/0', 10], ['orders/1', 10], ['orders/2', 10]]),
    });
    this.groups.set('audit', {
      state: 'empty', generation: 2, protocol: '', leader: '', members: [],
      committed: new Map([['payments/0', 25], ['payments/1', 30]]),
    });
  }

  topic(name) {
    const t = this.topics.get(name);
    if (!t) throw new ApiError(404, 'not_found', `no topic named '${name}'`);
    return t;
  }

  createTopic({name, partitions, config}, internal = false) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(name)) throw new ApiError(400, 'bad_request', 'a topic name is 1 to 249 letters, digits, dots, dashes or underscores');
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) throw new ApiError(400, 'bad_request', 'partitions must be 1 to 1024');
    if (this.topics.has(name)) throw new ApiError(409, 'conflict', `topic '${name}' exists`);
    for (const key of Object.keys(config ?? {})) {
      if (!(key in DEFAULT_CONFIG)) throw new ApiError(400, 'bad_request', `unknown config key '${key}'`);
    }
    const topic = {
      name, internal, config: {...DEFAULT_CONFIG, ...config},
      partitions: Array.from({length: partitions}, () => ({records: [], logStart: 0, end: 0, bytes: 0})),
      totals: {records_in_total: 0, records_out_total: 0, bytes_in_total: 0, bytes_out_total: 0},
    };
    this.topics.set(name, topic);
    return topic;
  }

  append(topic, partition, key, value, headers) {
    const p = topic.partitions[partition];
    const size = 61 + (key?.length ?? 0) + value.length;
    p.records.push({offset: p.end, timestamp_ms: Date.now(), key, value, headers, size});
    p.end += 1;
    p.bytes += size;
    topic.totals.records_in_total += 1;
    topic.totals.bytes_in_total += size;
    while (p.records.length > MAX_RECORDS_KEPT) {
      p.bytes -= p.records.shift().size;
      p.logStart = p.records[0].offset;
    }
  }

  // One step of the workload: every partition of orders and payments gets records, and the
  // billing group consumes some of what orders has.
  produce() {
    const orders = this.topics.get('orders');
    const payments = this.topics.get('payments');
    if (orders) {
      orders.partitions.forEach((_, partition) => {
        for (let i = 0; i < 3; i += 1) {
          const n = (this.sequence += 1);
          this.append(orders, partition, Buffer.from(`order-${n}`),
            Buffer.from(JSON.stringify({id: n, customer: `c-${n % 17}`, total: (n * 7) % 500, items: n % 5 + 1})),
            [{key: 'trace-id', value: Buffer.from(`t${n.toString(16)}`)}]);
        }
      });
    }
    if (payments) {
      payments.partitions.forEach((_, partition) => {
        const n = (this.sequence += 1);
        const value = n % 3 === 0 ? Buffer.from([0x00, 0xff, 0x10, n & 0xff, 0x80, 0x7f]) : Buffer.from(`payment ${n} accepted`);
        this.append(payments, partition, null, value, []);
      });
    }
  }

  consume() {
    for (const [, group] of this.groups) {
      if (group.members.length === 0) continue;
      for (const [key, committed] of group.committed) {
        const [name, partition] = key.split('/');
        const topic = this.topics.get(name);
        if (!topic) continue;
        const p = topic.partitions[Number(partition)];
        const next = Math.min(p.end, committed + 2);
        const taken = p.records.filter((r) => r.offset >= committed && r.offset < next);
        topic.totals.records_out_total += next - committed;
        topic.totals.bytes_out_total += taken.reduce((n, r) => n + r.size, 0);
        group.committed.set(key, next);
      }
    }
  }

  tick() {
    this.produce();
    this.consume();
  }

  health() {
    let total = 0;
    for (const t of this.topics.values()) total += t.partitions.length;
    return {
      status: 'ready', ready: true, reasons: [], version: '0.1.0',
      uptime_seconds: (Date.now() - this.started) / 1000, shards: 2, topics: this.topics.size,
      partitions: {total, offline: 0}, connections: 3,
      request_memory: {used_bytes: 65536, budget_bytes: 134217728}, recovery_seconds: 0.42,
    };
  }

  topicSummary(t) {
    return {
      name: t.name, partitions: t.partitions.length,
      records: t.partitions.reduce((n, p) => n + p.end - p.logStart, 0),
      size_bytes: t.partitions.reduce((n, p) => n + p.bytes, 0),
      offline_partitions: 0, internal: t.internal,
    };
  }

  topicDetail(t) {
    return {
      name: t.name, internal: t.internal, config: t.config,
      partitions: t.partitions.map((p, i) => ({
        partition: i, log_start_offset: p.logStart, log_end_offset: p.end, high_watermark: p.end,
        size_bytes: p.bytes, segments: 1 + Math.floor(p.bytes / 262144), offline: false, offline_reason: null,
      })),
    };
  }

  records(name, query) {
    const t = this.topic(name);
    const partition = Number(query.get('partition') ?? 0);
    const p = t.partitions[partition];
    if (!Number.isInteger(partition) || !p) throw new ApiError(404, 'not_found', `topic '${name}' has no partition ${query.get('partition')}`);
    const limit = Number(query.get('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, 'bad_request', 'limit must be 1 to 100');
    const offset = query.get('offset');
    const time = query.get('timestamp_ms');
    if (offset !== null && time !== null) throw new ApiError(400, 'bad_request', 'give offset or timestamp_ms, not both');
    let start;
    if (offset !== null) {
      if (!/^-?\d+$/.test(offset)) throw new ApiError(400, 'bad_request', 'offset must be an integer');
      start = Math.max(Number(offset), p.logStart);
    } else if (time !== null) {
      if (!/^\d+$/.test(time)) throw new ApiError(400, 'bad_request', 'timestamp_ms must be an integer');
      start = p.records.find((r) => r.timestamp_ms >= Number(time))?.offset ?? p.end;
    } else {
      start = Math.max(p.logStart, p.end - limit);
    }
    const page = p.records.filter((r) => r.offset >= start).slice(0, limit);
    const b64 = (b) => (b === null ? null : b.toString('base64'));
    return {
      topic: name, partition, log_start_offset: p.logStart, high_watermark: p.end,
      next_offset: page.length ? page[page.length - 1].offset + 1 : start,
      records: page.map((r) => ({
        offset: r.offset, timestamp_ms: r.timestamp_ms, key: b64(r.key), value: b64(r.value),
        headers: r.headers.map((hd) => ({key: hd.key, value: b64(hd.value)})),
      })),
    };
  }

  group(name) {
    const g = this.groups.get(name);
    if (!g) throw new ApiError(404, 'not_found', `no group named '${name}'`);
    return g;
  }

  offsetsOf(g) {
    return [...g.committed].map(([key, committed]) => {
      const [topic, partition] = key.split('/');
      const p = this.topics.get(topic)?.partitions[Number(partition)];
      const hw = p?.end ?? committed;
      const next = p?.records.find((r) => r.offset === committed);
      return {
        topic, partition: Number(partition), committed_offset: committed, high_watermark: hw,
        lag: Math.max(0, hw - committed), lag_seconds: next ? (Date.now() - next.timestamp_ms) / 1000 : 0,
      };
    });
  }

  groupSummary(name, g) {
    return {
      group: name, state: g.state, members: g.members.length,
      topics: [...new Set([...g.committed.keys()].map((k) => k.split('/')[0]))].sort(),
      lag: this.offsetsOf(g).reduce((n, o) => n + o.lag, 0),
    };
  }

  resetOffsets(name, body) {
    const g = this.group(name);
    if (body?.confirm !== name) throw new ApiError(400, 'confirmation_required', `repeat the group's name in "confirm" to reset its offsets`);
    if (g.members.length > 0) throw new ApiError(409, 'conflict', `group '${name}' has members; stop them first`);
    const t = this.topic(body.topic);
    const partitions = body.partitions ?? t.partitions.map((_, i) => i);
    const result = [];
    for (const partition of partitions) {
      const p = t.partitions[partition];
      if (!p) throw new ApiError(404, 'not_found', `topic '${t.name}' has no partition ${partition}`);
      let offset;
      if (body.to === 'earliest') offset = p.logStart;
      else if (body.to === 'latest') offset = p.end;
      else if (Number.isInteger(body.to?.offset)) offset = Math.min(Math.max(body.to.offset, p.logStart), p.end);
      else if (Number.isInteger(body.to?.timestamp_ms)) offset = p.records.find((r) => r.timestamp_ms >= body.to.timestamp_ms)?.offset ?? p.end;
      else throw new ApiError(400, 'bad_request', '"to" must be "earliest", "latest", {"offset": N} or {"timestamp_ms": T}');
      g.committed.set(`${t.name}/${partition}`, offset);
      result.push({topic: t.name, partition, committed_offset: offset});
    }
    return {offsets: result};
  }

  stats() {
    return {
      time_ms: Date.now(),
      topics: [...this.topics.values()].filter((t) => !t.internal).map((t) => ({topic: t.name, ...t.totals})),
      groups: [...this.groups].map(([name, g]) => ({group: name, lag: this.offsetsOf(g).reduce((n, o) => n + o.lag, 0)})),
    };
  }

  // The API: [status, body] for a method, path and query.
  handle(method, pathname, query, body) {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);  // api, v1, ...
    const [, , resource, name, sub] = parts;
    const route = `${method} ${resource ?? ''}${name !== undefined ? '/:name' : ''}${sub ? `/${sub}` : ''}`;
    switch (route) {
      case 'GET health': return [200, this.health()];
      case 'GET stats': return [200, this.stats()];
      case 'GET topics': return [200, {topics: [...this.topics.values()].map((t) => this.topicSummary(t))}];
      case 'POST topics': return [201, this.topicDetail(this.createTopic(body ?? {}))];
      case 'GET topics/:name': return [200, this.topicDetail(this.topic(name))];
      case 'DELETE topics/:name': {
        const t = this.topic(name);
        if (query.get('confirm') !== name) throw new ApiError(400, 'confirmation_required', 'repeat the topic\'s name in "confirm" to delete it');
        if (t.internal) throw new ApiError(400, 'bad_request', 'internal topics cannot be deleted');
        this.topics.delete(name);
        return [200, {deleted: name}];
      }
      case 'GET topics/:name/records': return [200, this.records(name, query)];
      case 'GET groups': return [200, {groups: [...this.groups].map(([n, g]) => this.groupSummary(n, g))}];
      case 'GET groups/:name': {
        const g = this.group(name);
        return [200, {group: name, state: g.state, generation: g.generation, protocol: g.protocol, leader: g.leader, members: g.members, offsets: this.offsetsOf(g)}];
      }
      case 'POST groups/:name/offsets': return [200, this.resetOffsets(name, body)];
      default: throw new ApiError(404, 'not_found', 'no such path');
    }
  }
}

function send(res, status, type, body, head) {
  res.writeHead(status, {'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache'});
  res.end(head ? undefined : body);
}

// Starts the server; resolves to {url, port, broker, close()}.
export function startFakeApi({port = 0, consoleDir = defaultConsoleDir, tickMs = 250} = {}) {
  const broker = new FakeBroker();
  const timer = setInterval(() => broker.tick(), tickMs);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const head = req.method === 'HEAD';
    if (url.pathname.startsWith('/api/v1/')) {
      let raw = '';
      req.on('data', (chunk) => { raw += chunk; });
      req.on('end', () => {
        try {
          let body;
          if (raw) {
            try {
              body = JSON.parse(raw);
            } catch {
              throw new ApiError(400, 'bad_request', 'the body is not JSON');
            }
          }
          const [status, out] = broker.handle(head ? 'GET' : req.method, url.pathname, url.searchParams, body);
          send(res, status, 'application/json', JSON.stringify(out), head);
        } catch (e) {
          const status = e instanceof ApiError ? e.status : 500;
          const code = e instanceof ApiError ? e.code : 'internal';
          send(res, status, 'application/json', JSON.stringify({error: {code, message: e.message}}), head);
        }
      });
      return;
    }
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'application/json', JSON.stringify({error: {code: 'method_not_allowed', message: 'GET or HEAD'}}), false);
      return;
    }
    const file = url.pathname === '/' ? '/index.html' : url.pathname;
    const full = path.resolve(consoleDir, `.${file}`);
    if (!full.startsWith(consoleDir + path.sep) || !fs.existsSync(full) || !fs.statSync(full).isFile()) {
      send(res, 404, 'application/json', JSON.stringify({error: {code: 'not_found', message: 'no such path'}}), head);
      return;
    }
    send(res, 200, TYPES[path.extname(full)] ?? 'application/octet-stream', fs.readFileSync(full), head);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        broker,
        close: () => new Promise((done) => {
          clearInterval(timer);
          server.closeAllConnections?.();
          server.close(done);
        }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 9644;
  const {url} = await startFakeApi({port});
  console.log(`fake cairnd API and console at ${url}`);
}
