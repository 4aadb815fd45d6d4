// LineChart: a time-series chart drawn as SVG by hand: the last few minutes on the x axis, zero
// to a rounded maximum on the y axis, one line per series and a legend with the latest values.

import {h, svg, replace} from './dom.js';
import {formatCompact} from './format.js';

const COLORS = ['#2563a8', '#d97706', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777'];

// The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above `value`.
export function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value - 1e-9 * power) return step * power;
  }
  return 10 * power;
}

// `count` + 1 evenly spaced ticks from 0 to a nice maximum at or above `max`.
export function yTicks(max, count = 4) {
  const top = niceCeiling(max / count) * count;
  return Array.from({length: count + 1}, (_, i) => (top * i) / count);
}

// The series' points inside [start, end], scaled to the plot's width and height.
export function project(points, {start, end, top, width, height}) {
  return points
    .filter(([t]) => t >= start && t <= end)
    .map(([t, v]) => [((t - start) / (end - start)) * width, height - (Math.max(0, v) / top) * height]);
}

export class LineChart {
  // `format` formats a value for the legend and the y axis.
  constructor({title, testid, windowMs = 5 * 60 * 1000, format = formatCompact}) {
    this.title = title;
    this.windowMs = windowMs;
    this.format = format;
    this.element = h('div', {class: 'chart', 'data-testid': testid});
    this.update([], Date.now());
  }

  // series: [{name, points: [[timeMs, value], ...]}]; `now` ends the x axis.
  update(series, now) {
    // Drawn at the width it is shown at, so its text keeps its size in a wide panel.
    const W = Math.max(320, Math.round(this.element.clientWidth) || 640);
    const H = 200;
    const margin = {left: 48, right: 12, top: 10, bottom: 22};
    const width = W - margin.left - margin.right;
    const height = H - margin.top - margin.bottom;
    const start = now - this.windowMs;
    const visible = series.map((s) => s.points.filter(([t]) => t >= start && t <= now));
    const max = Math.max(0, ...visible.flat().map(([, v]) => v));
    const ticks = yTicks(max || 1);
    const top = ticks[ticks.length - 1];
    const frame = {start, end: now, top, width, height};
    const pointCount = visible.reduce((n, p) => n + p.length, 0);

    const axis = svg('g', {class: 'axis'},
      ticks.map((v) => {
        const y = margin.top + height - (v / top) * height;
        return [
          svg('line', {x1: margin.left, x2: margin.left + width, y1: y, y2: y}),
          svg('text', {x: margin.left - 6, y: y + 3, 'text-anchor': 'end'}, this.format(v)),
        ];
      }),
      [0, 1, 2, 3, 4, 5].map((i) => {
        const minutesAgo = (this.windowMs / 60000) * (1 - i / 5);
        const x = margin.left + (i / 5) * width;
        const label = minutesAgo === 0 ? 'now' : `-${Number(minutesAgo.toFixed(1))}m`;
        return svg('text', {x, y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle'}, label);
      }));

    const lines = series.map((s, i) => {
      const points = project(s.points, frame).map(([x, y]) => `${(x + margin.left).toFixed(1)},${(y + margin.top).toFixed(1)}`);
      return svg('polyline', {class: 'series', points: points.join(' '), stroke: COLORS[i % COLORS.length], 'data-series': s.name});
    });

    const body = [axis, lines];
    if (pointCount === 0) {
      body.push(svg('text', {class: 'nodata', x: margin.left + width / 2, y: margin.top + height / 2, 'text-anchor': 'middle'}, 'waiting for data…'));
    }
    const legend = h('div', {class: 'legend'}, series.map((s, i) => {
      const last = s.points.length ? s.points[s.points.length - 1][1] : null;
      return h('span', {style: {'--swatch': COLORS[i % COLORS.length]}},
        `${s.name}: ${last === null ? '–' : this.format(last)}`);
    }));

    this.element.dataset.points = String(pointCount);
    this.element.dataset.latest = series.map((s) => (s.points.length ? s.points[s.points.length - 1][0] : 0)).join(',');
    replace(this.element,
      h('h2', {}, this.title),
      svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': this.title}, body),
      legend);
  }
}
