// The overview: the broker's health and live charts of throughput and consumer lag.

import {h, replace, fact, badge} from '../dom.js';
import {LineChart} from '../chart.js';
import {formatBytes, formatNumber, formatSeconds, formatCompact} from '../format.js';

function healthPanel(health) {
  const memory = health.request_memory;
  return [
    h('h2', {}, 'Broker ', badge(health.status)),
    health.reasons.length
      ? h('ul', {class: 'error', 'data-testid': 'health-reasons'}, health.reasons.map((r) => h('li', {}, r)))
      : null,
    h('div', {class: 'facts'},
      fact('Status', health.status, 'health-status'),
      fact('Version', health.version),
      fact('Up for', formatSeconds(health.uptime_seconds)),
      fact('Shards', health.shards),
      fact('Topics', formatNumber(health.topics)),
      fact('Partitions', `${formatNumber(health.partitions.total)}${health.partitions.offline ? ` (${health.partitions.offline} offline)` : ''}`),
      fact('Connections', formatNumber(health.connections)),
      fact('Request memory', `${formatBytes(memory.used_bytes)} of ${formatBytes(memory.budget_bytes)}`),
      fact('Recovery at start', formatSeconds(health.recovery_seconds))),
  ];
}

export function render(view, _params, ctx) {
  const health = h('section', {class: 'panel', 'data-testid': 'health-panel'}, h('div', {class: 'empty'}, 'Loading…'));
  const throughput = new LineChart({title: 'Throughput (records/s)', testid: 'chart-throughput', format: formatCompact});
  const lag = new LineChart({title: 'Consumer lag (records)', testid: 'chart-lag', format: formatCompact});
  replace(view,
    h('h1', {}, 'Overview'),
    health,
    h('div', {class: 'grid'},
      h('section', {class: 'panel'}, throughput.element),
      h('section', {class: 'panel'}, lag.element)),
    h('p', {class: 'notice'}, 'Charts cover the last five minutes this page has seen; rates are ',
      'computed from the broker\'s totals every two seconds.'));

  ctx.every(3000, async () => {
    try {
      replace(health, healthPanel(await ctx.api.health()));
    } catch (e) {
      replace(health, h('h2', {}, 'Broker ', badge('unreachable', 'bad')), h('p', {class: 'error'}, e.message));
    }
  });
  ctx.onStats((stats) => {
    const now = stats.now();
    throughput.update(stats.totalThroughput(), now);
    lag.update(stats.groupLag(), now);
  });
}
