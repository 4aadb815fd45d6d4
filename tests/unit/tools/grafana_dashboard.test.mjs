// The Grafana dashboard (tools/grafana/cairn.json) is valid JSON, covers throughput, latency
// percentiles, consumer lag and replication lag, and uses only metric names from the catalogue
// (which the program named by $CAIRN_METRICS_SAMPLE prints with --catalogue).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'tools/grafana/cairn.json'), 'utf8'));
const sample = process.env.CAIRN_METRICS_SAMPLE;
const catalogue = new Map(
  execFileSync(sample, ['--catalogue'], {encoding: 'utf8'}).trim().split('\n').map((line) => line.split(' ')));

function panelsOf(d) {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}
const exprs = panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const queries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.query.query);

// The catalogue metric a name in a query refers to: itself, or a histogram's series.
function metricOf(name) {
  if (catalogue.has(name)) return name;
  const suffix = ['_bucket', '_sum', '_count'].find((s) => name.endsWith(s));
  if (suffix) {
    const base = name.slice(0, -suffix.length);
    if (catalogue.get(base) === 'histogram') return base;
  }
  return null;
}

test('the catalogue was read', () => {
  assert.ok(catalogue.size > 20, `${catalogue.size} metrics`);
});

test('every metric name the dashboard uses is in the catalogue', () => {
  const used = new Set([...exprs, ...queries].flatMap((e) => e.match(/\bcairn_[a-z0-9_]+/g) ?? []));
  assert.ok(used.size > 10);
  const unknown = [...used].filter((name) => metricOf(name) === null);
  assert.deepEqual(unknown, []);
});

test('it covers throughput, latency percentiles, consumer lag and replication lag', () => {
  const has = (pattern) => exprs.some((e) => pattern.test(e));
  assert.ok(has(/rate\(cairn_records_in_total/), 'records in');
  assert.ok(has(/rate\(cairn_records_out_total/), 'records out');
  assert.ok(has(/histogram_quantile\(0\.5, .*cairn_request_duration_seconds_bucket/), 'p50');
  assert.ok(has(/histogram_quantile\(0\.99, .*cairn_request_duration_seconds_bucket/), 'p99');
  assert.ok(has(/cairn_group_lag_records/), 'consumer lag');
  assert.ok(has(/cairn_replication_lag_records/), 'replication lag');
});

test('quantiles are taken over buckets summed by le', () => {
  for (const e of exprs.filter((x) => x.includes('histogram_quantile'))) {
    assert.match(e, /sum by \((?:[a-z]+, )?le\) \(rate\(cairn_[a-z_]+_bucket\[/, e);
  }
});

test('panels have unique ids, a place on the grid and the datasource variable', () => {
  const panels = panelsOf(dashboard);
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const p of panels) {
    for (const key of ['x', 'y', 'w', 'h']) assert.equal(typeof p.gridPos?.[key], 'number', `${p.title}: gridPos.${key}`);
    if (p.type !== 'row') assert.equal(p.datasource?.uid, '${datasource}', p.title);
  }
  assert.equal(typeof dashboard.uid, 'string');
  assert.equal(typeof dashboard.schemaVersion, 'number');
});
