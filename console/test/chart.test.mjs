import test from 'node:test';
import assert from 'node:assert/strict';
import {niceCeiling, project, yTicks} from '../src/js/chart.js';

test('the y axis ends at a nice number at or above the largest value', () => {
  assert.equal(niceCeiling(0.7), 1);
  assert.equal(niceCeiling(1), 1);
  assert.equal(niceCeiling(13), 20);
  assert.equal(niceCeiling(21), 25);
  assert.equal(niceCeiling(300), 500);
  assert.equal(niceCeiling(0), 1);
  assert.deepEqual(yTicks(55), [0, 20, 40, 60, 80]);
  assert.deepEqual(yTicks(399), [0, 100, 200, 300, 400]);
});

test('points outside the window are left out and the rest scale to the plot', () => {
  const frame = {start: 1000, end: 2000, top: 100, width: 200, height: 50};
  assert.deepEqual(project([[500, 10], [1000, 0], [1500, 50], [2000, 100], [2500, 1]], frame),
    [[0, 50], [100, 25], [200, 0]]);
});
