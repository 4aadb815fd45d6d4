import test from 'node:test';
import assert from 'node:assert/strict';
import {StatsHistory, ratesBetween} from '../src/js/stats.js';

const stats = (time_ms, inTotal, outTotal, lag) => ({
  time_ms,
  topics: [{topic: 'orders', records_in_total: inTotal, records_out_total: outTotal, bytes_in_total: 0, bytes_out_total: 0}],
  groups: [{group: 'billing', lag}],
});

test('rates are the increase of the totals over the seconds between polls', () => {
  const rates = ratesBetween(stats(1000, 100, 50, 0), stats(3000, 700, 250, 0));
  assert.deepEqual(rates, {orders: {in: 300, out: 100}});
});

test('a total that went down counts from zero, as after a restart', () => {
  const rates = ratesBetween(stats(1000, 1000, 1000, 0), stats(2000, 40, 10, 0));
  assert.deepEqual(rates, {orders: {in: 40, out: 10}});
});

test('a topic that appeared between polls counts from zero', () => {
  const before = {time_ms: 0, topics: [], groups: []};
  assert.deepEqual(ratesBetween(before, stats(2000, 10, 0, 0)), {orders: {in: 5, out: 0}});
});

test('no time between polls gives no rates', () => {
  assert.deepEqual(ratesBetween(stats(1000, 1, 1, 0), stats(1000, 2, 2, 0)), {});
});

test('the history keeps rates and lag for its window and drops older samples', () => {
  const history = new StatsHistory(null, {windowMs: 10_000});
  history.add(stats(0, 0, 0, 5));
  history.add(stats(2000, 200, 100, 7));
  history.add(stats(4000, 400, 300, 9));
  assert.deepEqual(history.totalThroughput(), [
    {name: 'records in/s', points: [[2000, 100], [4000, 100]]},
    {name: 'records out/s', points: [[2000, 50], [4000, 100]]},
  ]);
  assert.deepEqual(history.groupLag(), [{name: 'billing', points: [[2000, 7], [4000, 9]]}]);
  history.add(stats(13000, 500, 400, 1));
  assert.deepEqual(history.groupLag()[0].points, [[4000, 9], [13000, 1]]);
  assert.deepEqual(history.topicThroughput('orders')[0].points.map(([t]) => t), [4000, 13000]);
  assert.equal(history.now(), 13000);
});
