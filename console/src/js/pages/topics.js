// Topics: every topic with its partitions, records and size, and creating a topic (behind a
// confirmation).

import {h, replace, table, badge} from '../dom.js';
import {confirm, formDialog} from '../dialog.js';
import {formatBytes, formatNumber} from '../format.js';

const enc = encodeURIComponent;

async function createTopic(ctx, error) {
  const data = await formDialog({
    title: 'Create a topic',
    submitLabel: 'Review',
    fields: [
      h('label', {}, 'Name', h('input', {name: 'name', required: true, pattern: '[A-Za-z0-9._\\-]+', maxlength: 249, 'data-testid': 'topic-name'})),
      h('label', {}, 'Partitions', h('input', {name: 'partitions', type: 'number', min: 1, max: 1024, value: 1, required: true, 'data-testid': 'topic-partitions'})),
      h('label', {}, 'Retention (hours, empty for the broker default)', h('input', {name: 'retention_hours', type: 'number', min: 1})),
    ],
  });
  if (!data) return;
  const name = data.get('name');
  const partitions = Number(data.get('partitions'));
  const spec = {name, partitions};
  const hours = data.get('retention_hours');
  if (hours) spec.config = {retention_ms: Number(hours) * 3600 * 1000};
  const ok = await confirm({
    title: 'Create this topic?',
    message: h('p', {}, 'Create topic ', h('b', {}, name), ` with ${partitions} partition${partitions === 1 ? '' : 's'}`,
      hours ? ` and a retention of ${hours} hours` : '', '?'),
    confirmLabel: 'Create topic',
  });
  if (!ok) return;
  try {
    await ctx.api.createTopic(spec);
    ctx.navigate(`#/topics/${enc(name)}`);
  } catch (e) {
    replace(error, e.message);
  }
}

export function render(view, _params, ctx) {
  const list = h('section', {class: 'panel'}, h('div', {class: 'empty'}, 'Loading…'));
  const error = h('div', {class: 'error', 'data-testid': 'topics-error'});
  replace(view,
    h('h1', {}, 'Topics'),
    h('div', {class: 'toolbar'},
      h('span', {class: 'spacer'}),
      h('button', {class: 'primary', 'data-testid': 'create-topic', onclick: () => createTopic(ctx, error)}, 'Create topic')),
    error,
    list);

  ctx.every(5000, async () => {
    try {
      const {topics} = await ctx.api.topics();
      replace(list, table([
        {title: 'Topic', value: (t) => h('a', {href: `#/topics/${enc(t.name)}`, 'data-testid': `topic-link-${t.name}`}, t.name)},
        {title: 'Partitions', num: true, value: (t) => t.partitions},
        {title: 'Records', num: true, value: (t) => formatNumber(t.records)},
        {title: 'Size', num: true, value: (t) => formatBytes(t.size_bytes)},
        {title: 'State', value: (t) => (t.offline_partitions ? badge(`${t.offline_partitions} offline`, 'bad') : badge('online', 'ok'))},
      ], topics, {empty: 'No topics yet.', rowClass: (t) => (t.internal ? 'internal' : null), testid: 'topics-table'}));
    } catch (e) {
      replace(list, h('p', {class: 'error'}, e.message));
    }
  });
}
