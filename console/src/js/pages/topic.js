// One topic: settings, partitions with offsets and sizes, live throughput, a browser for its
// recent records (search by offset or time; values as text, JSON or hex), and deleting it.

import {h, replace, table, badge, fact} from '../dom.js';
import {LineChart} from '../chart.js';
import {confirm} from '../dialog.js';
import {base64ToBytes, formatBytes, formatCompact, formatNumber, formatSeconds, formatTimestamp, parseTimestamp, renderBytes} from '../format.js';

function configPanel(config) {
  const describe = (key, value) => {
    if (value === -1) return 'unlimited';
    if (key.endsWith('_ms')) return formatSeconds(value / 1000);
    if (key.endsWith('_bytes')) return formatBytes(value);
    return String(value);
  };
  return h('div', {class: 'facts', 'data-testid': 'topic-config'},
    Object.entries(config).map(([key, value]) => fact(key, describe(key, value))));
}

function partitionsTable(partitions) {
  return table([
    {title: 'Partition', value: (p) => p.partition},
    {title: 'Log start', num: true, value: (p) => formatNumber(p.log_start_offset)},
    {title: 'Log end', num: true, value: (p) => formatNumber(p.log_end_offset)},
    {title: 'High watermark', num: true, value: (p) => formatNumber(p.high_watermark)},
    {title: 'Size', num: true, value: (p) => formatBytes(p.size_bytes)},
    {title: 'Segments', num: true, value: (p) => p.segments},
    {title: 'State', value: (p) => (p.offline ? badge(`offline: ${p.offline_reason ?? 'unknown'}`, 'bad') : badge('online', 'ok'))},
  ], partitions, {testid: 'partitions-table'});
}

function shownBytes(b64, mode) {
  const {mode: used, text} = renderBytes(base64ToBytes(b64), mode);
  return h('pre', {'data-mode': used}, text);
}

function recordsTable(records, mode) {
  return table([
    {title: 'Offset', num: true, value: (r) => r.offset},
    {title: 'Timestamp', value: (r) => h('span', {class: 'mono'}, formatTimestamp(r.timestamp_ms))},
    {title: 'Key', value: (r) => shownBytes(r.key, mode)},
    {title: 'Value', value: (r) => shownBytes(r.value, mode)},
    {title: 'Headers', value: (r) => r.headers.map((hd) => h('div', {class: 'mono'}, `${hd.key}: `, renderBytes(base64ToBytes(hd.value), 'text').text))},
  ], records, {empty: 'No records here.', testid: 'records-table'});
}

function recordBrowser(ctx, name, partitionCount) {
  const partition = h('select', {'data-testid': 'records-partition'},
    Array.from({length: partitionCount}, (_, i) => h('option', {value: i}, `partition ${i}`)));
  const searchBy = h('select', {'data-testid': 'records-search-by'},
    h('option', {value: 'latest'}, 'latest records'),
    h('option', {value: 'offset'}, 'from offset'),
    h('option', {value: 'time'}, 'from time (UTC)'));
  const where = h('input', {'data-testid': 'records-where', placeholder: 'offset, or 2026-11-27 16:00:00', size: 24, disabled: true});
  const mode = h('select', {'data-testid': 'records-format'},
    ['auto', 'text', 'json', 'hex'].map((m) => h('option', {value: m}, m)));
  const results = h('div', {}, h('div', {class: 'empty'}, 'Loading…'));
  const status = h('div', {class: 'notice', 'data-testid': 'records-status'});
  let last = null;

  const draw = () => {
    if (last) replace(results, recordsTable(last.records, mode.value));
  };
  const load = async (fromOffset = null) => {
    const params = {partition: partition.value, limit: 20};
    if (fromOffset !== null) {
      params.offset = fromOffset;
    } else if (searchBy.value === 'offset') {
      params.offset = where.value.trim();
    } else if (searchBy.value === 'time') {
      const ms = parseTimestamp(where.value);
      if (Number.isNaN(ms)) {
        replace(status, 'Give a time as 2026-11-27 16:00:00 (UTC) or milliseconds since 1970.');
        return;
      }
      params.timestamp_ms = ms;
    }
    try {
      last = await ctx.api.records(name, params);
      replace(status, `Offsets ${formatNumber(last.log_start_offset)} to ${formatNumber(last.high_watermark)} in this partition; `,
        `showing ${last.records.length} record${last.records.length === 1 ? '' : 's'}.`);
      draw();
    } catch (e) {
      replace(status, h('span', {class: 'error'}, e.message));
    }
  };
  searchBy.addEventListener('change', () => {
    where.disabled = searchBy.value === 'latest';
    if (searchBy.value === 'latest') load();
  });
  partition.addEventListener('change', () => load());
  mode.addEventListener('change', draw);
  where.addEventListener('keydown', (e) => { if (e.key === 'Enter') load(); });
  load();

  return h('section', {class: 'panel', 'data-testid': 'records-panel'},
    h('h2', {}, 'Records'),
    h('div', {class: 'toolbar'},
      partition, searchBy, where,
      h('button', {'data-testid': 'records-go', onclick: () => load()}, 'Show'),
      h('button', {'data-testid': 'records-next', onclick: () => last && load(last.next_offset)}, 'Next page'),
      h('span', {class: 'spacer'}),
      h('label', {}, 'Show values as', mode)),
    status,
    results);
}

export function render(view, [name], ctx) {
  const header = h('h1', {}, name);
  const settings = h('section', {class: 'panel'}, h('h2', {}, 'Settings'), h('div', {class: 'empty'}, 'Loading…'));
  const partitions = h('section', {class: 'panel'}, h('h2', {}, 'Partitions'), h('div', {class: 'empty'}, 'Loading…'));
  const throughput = new LineChart({title: 'Throughput (records/s)', testid: 'chart-topic-throughput', format: formatCompact});
  const records = h('div');
  const error = h('div', {class: 'error', 'data-testid': 'topic-error'});
  let browsing = false;

  const remove = async () => {
    const ok = await confirm({
      title: 'Delete this topic?',
      message: h('p', {}, 'Topic ', h('b', {}, name), ' and all its records will be deleted. This cannot be undone.'),
      confirmLabel: 'Delete topic',
      danger: true,
      typeToConfirm: name,
    });
    if (!ok) return;
    try {
      await ctx.api.deleteTopic(name);
      ctx.navigate('#/topics');
    } catch (e) {
      replace(error, e.message);
    }
  };

  replace(view,
    h('div', {class: 'crumbs'}, h('a', {href: '#/topics'}, 'Topics'), ' / ', name),
    header,
    error,
    settings,
    partitions,
    h('section', {class: 'panel'}, throughput.element),
    records);

  ctx.every(5000, async () => {
    try {
      const topic = await ctx.api.topic(name);
      replace(header, topic.name, topic.internal ? badge('internal') : null, h('span', {class: 'spacer'}),
        topic.internal ? null : h('button', {class: 'danger', 'data-testid': 'delete-topic', onclick: remove}, 'Delete topic'));
      replace(settings, h('h2', {}, 'Settings'), configPanel(topic.config));
      replace(partitions, h('h2', {}, `Partitions (${topic.partitions.length})`), partitionsTable(topic.partitions));
      if (!browsing) {
        browsing = true;
        replace(records, recordBrowser(ctx, name, topic.partitions.length));
      }
    } catch (e) {
      replace(error, e.message);
    }
  });
  ctx.onStats((stats) => throughput.update(stats.topicThroughput(name), stats.now()));
}
