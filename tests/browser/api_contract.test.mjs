// The JSON API as broker/http/API.md documents it: for every documented GET with an example
// response, the server's answer has every field of the example with the same JSON type
// (arrays compared by their first element). Runs against the fake API by default, or against a
// running cairnd's listener given as $CAIRN_API_URL (with a topic "orders" and a group
// "billing").
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startFakeApi} from './fake_api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = fs.readFileSync(path.resolve(here, '../../broker/http/API.md'), 'utf8');

// [{method, path, example}] for each "### `METHOD PATH`" heading followed by a JSON block.
function documentedCalls(markdown) {
  const calls = [];
  const sections = markdown.split(/^### /m).slice(1);
  for (const section of sections) {
    const heading = section.match(/^`(GET|POST|DELETE) ([^`?]+)/);
    const block = section.match(/```json\n([\s\S]*?)```/);
    if (!heading || !block) continue;
    calls.push({method: heading[1], path: heading[2], example: JSON.parse(block[1])});
  }
  return calls;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// Differences between the documented shape and the actual one, as "where: problem" lines.
function shapeDifferences(example, actual, where = '$') {
  const expected = typeOf(example);
  const got = typeOf(actual);
  // A documented null stands for "null or a value" (offline_reason, lag_seconds).
  if (expected === 'null') return [];
  if (expected !== got) return [`${where}: expected ${expected}, got ${got}`];
  if (expected === 'array') {
    if (example.length === 0 || actual.length === 0) return [];
    return shapeDifferences(example[0], actual[0], `${where}[0]`);
  }
  if (expected === 'object') {
    return Object.keys(example).flatMap((key) =>
      key in actual ? shapeDifferences(example[key], actual[key], `${where}.${key}`) : [`${where}.${key}: missing`]);
  }
  return [];
}

const calls = documentedCalls(spec);
const fixed = process.env.CAIRN_API_URL;
const server = fixed ? null : await startFakeApi();
const base = (fixed ?? server.url).replace(/\/$/, '');
test.after(() => server?.close());

test('the spec documents the calls the console uses', () => {
  const gets = calls.filter((c) => c.method === 'GET').map((c) => c.path);
  for (const p of ['/api/v1/health', '/api/v1/stats', '/api/v1/topics', '/api/v1/topics/{name}',
    '/api/v1/topics/{name}/records', '/api/v1/groups', '/api/v1/groups/{group}']) {
    assert.ok(gets.includes(p), p);
  }
});

for (const call of calls.filter((c) => c.method === 'GET' && c.path.startsWith('/api/'))) {
  test(`GET ${call.path} answers the documented shape`, async () => {
    const target = call.path.replace('{name}', 'orders').replace('{group}', 'billing');
    const response = await fetch(base + target);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(shapeDifferences(call.example, await response.json()), []);
  });
}

test('errors have the documented shape', async () => {
  const response = await fetch(`${base}/api/v1/topics/no-such-topic`);
  assert.equal(response.status, 404);
  const body = await response.json();
  assert.equal(body.error.code, 'not_found');
  assert.equal(typeof body.error.message, 'string');
});

test('a destructive call without its confirmation changes nothing', async () => {
  const response = await fetch(`${base}/api/v1/topics/orders`, {method: 'DELETE'});
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error.code, 'confirmation_required');
  assert.equal((await fetch(`${base}/api/v1/topics/orders`)).status, 200);
});
