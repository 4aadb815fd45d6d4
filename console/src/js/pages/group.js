// One consumer group: its state, members and their assignments, per-partition committed offsets
// and lag, a live lag chart, and resetting its offsets (only when it has no members, behind a
// confirmation).

import {h, replace, table, badge, fact} from '../dom.js';
import {LineChart} from '../chart.js';
import {confirm} from '../dialog.js';
import {formatCompact, formatNumber, formatSeconds, parseTimestamp} from '../format.js';

const enc = encodeURIComponent;

function membersTable(members) {
  return table([
    {title: 'Member', value: (m) => h('span', {class: 'mono'}, m.member_id)},
    {title: 'Client', value: (m) => m.client_id},
    {title: 'Host', value: (m) => m.host},
    {title: 'Assignment', value: (m) => m.assignments.map((a) => h('div', {}, h('a', {href: `#/topics/${enc(a.topic)}`}, a.topic), `: ${a.partitions.join(', ')}`))},
  ], members, {empty: 'No members: the group is empty.', testid: 'members-table'});
}

function offsetsTable(offsets) {
  return table([
    {title: 'Topic', value: (o) => h('a', {href: `#/topics/${enc(o.topic)}`}, o.topic)},
    {title: 'Partition', num: true, value: (o) => o.partition},
    {title: 'Committed', num: true, value: (o) => formatNumber(o.committed_offset)},
    {title: 'High watermark', num: true, value: (o) => formatNumber(o.high_watermark)},
    {title: 'Lag (records)', num: true, value: (o) => formatNumber(o.lag)},
    {title: 'Lag (time)', num: true, value: (o) => formatSeconds(o.lag_seconds)},
  ], offsets, {empty: 'The group has committed no offsets.', testid: 'offsets-table'});
}

function resetForm(ctx, name, group, onDone) {
  const topics = [...new Set(group.offsets.map((o) => o.topic))].sort();
  const topic = h('select', {'data-testid': 'reset-topic'}, topics.map((t) => h('option', {value: t}, t)));
  const to = h('select', {'data-testid': 'reset-to'},
    h('option', {value: 'earliest'}, 'the earliest offset'),
    h('option', {value: 'latest'}, 'the latest offset'),
    h('option', {value: 'offset'}, 'an offset'),
    h('option', {value: 'time'}, 'a time (UTC)'));
  const where = h('input', {'data-testid': 'reset-where', placeholder: 'offset or time', disabled: true});
  const status = h('div', {'data-testid': 'reset-status'});
  to.addEventListener('change', () => { where.disabled = to.value === 'earliest' || to.value === 'latest'; });
  const busy = group.members.length > 0;

  const reset = async () => {
    let target = to.value;
    let description = `the ${to.value} offset`;
    if (to.value === 'offset') {
      target = {offset: Number(where.value)};
      description = `offset ${where.value}`;
    } else if (to.value === 'time') {
      const ms = parseTimestamp(where.value);
      if (Number.isNaN(ms)) {
        replace(status, h('span', {class: 'error'}, 'Give a time as 2026-11-27 16:00:00 (UTC).'));
        return;
      }
      target = {timestamp_ms: ms};
      description = `the first record at or after ${where.value}`;
    }
    const ok = await confirm({
      title: 'Reset committed offsets?',
      message: h('p', {}, 'Group ', h('b', {}, name), ` will resume every partition of ${topic.value} from ${description}. `,
        'Records may be consumed again or skipped.'),
      confirmLabel: 'Reset offsets',
      danger: true,
      typeToConfirm: name,
    });
    if (!ok) return;
    try {
      const result = await ctx.api.resetOffsets(name, {topic: topic.value, to: target});
      replace(status, `Reset ${result.offsets.length} partition${result.offsets.length === 1 ? '' : 's'}.`);
      onDone();
    } catch (e) {
      replace(status, h('span', {class: 'error'}, e.message));
    }
  };

  return h('section', {class: 'panel', 'data-testid': 'reset-panel'},
    h('h2', {}, 'Reset offsets'),
    busy ? h('p', {class: 'notice'}, 'Offsets can be reset only while the group has no members.') : null,
    h('div', {class: 'toolbar'},
      'Move', topic, 'to', to, where,
      h('button', {class: 'danger', 'data-testid': 'reset-offsets', disabled: busy || topics.length === 0, onclick: reset}, 'Reset…')),
    status);
}

export function render(view, [name], ctx) {
  const summary = h('section', {class: 'panel'}, h('div', {class: 'empty'}, 'Loading…'));
  const members = h('section', {class: 'panel'});
  const offsets = h('section', {class: 'panel'});
  const lag = new LineChart({title: 'Lag (records)', testid: 'chart-group-lag', format: formatCompact});
  const reset = h('div');
  let resetFor = null;

  const refresh = async () => {
    try {
      const group = await ctx.api.group(name);
      replace(summary, h('div', {class: 'facts'},
        fact('State', badge(group.state), 'group-state'),
        fact('Generation', group.generation),
        fact('Protocol', group.protocol || '–'),
        fact('Members', group.members.length),
        fact('Total lag', formatNumber(group.offsets.reduce((n, o) => n + o.lag, 0)), 'group-total-lag')));
      replace(members, h('h2', {}, 'Members'), membersTable(group.members));
      replace(offsets, h('h2', {}, 'Offsets and lag'), offsetsTable(group.offsets));
      const shape = `${group.members.length > 0}:${group.offsets.map((o) => o.topic).join()}`;
      if (shape !== resetFor) {
        resetFor = shape;
        replace(reset, resetForm(ctx, name, group, refresh));
      }
    } catch (e) {
      replace(summary, h('p', {class: 'error'}, e.message));
    }
  };

  replace(view,
    h('div', {class: 'crumbs'}, h('a', {href: '#/groups'}, 'Consumer groups'), ' / ', name),
    h('h1', {}, name),
    summary,
    h('section', {class: 'panel'}, lag.element),
    members,
    offsets,
    reset);
  ctx.every(3000, refresh);
  ctx.onStats((stats) => lag.update(stats.groupLag([name]), stats.now()));
}
