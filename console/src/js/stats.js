// StatsHistory: the numbers behind the live charts. It polls /api/v1/stats, turns the totals of
// two successive polls into rates (records per second in and out, per topic and in all) and
// keeps each group's lag, for the last few minutes. One history serves every page, so a chart
// has its past when the user navigates to it.

// Rates between two polls: {topic: {in, out}} per second. A total that went down (the broker
// restarted) counts from zero, as Prometheus's rate() does.
export function ratesBetween(previous, current) {
  const seconds = (current.time_ms - previous.time_ms) / 1000;
  const rates = {};
  if (seconds <= 0) return rates;
  const before = new Map(previous.topics.map((t) => [t.topic, t]));
  const increase = (now, then) => (then === undefined || now < then ? now : now - then);
  for (const t of current.topics) {
    const p = before.get(t.topic);
    rates[t.topic] = {
      in: increase(t.records_in_total, p?.records_in_total) / seconds,
      out: increase(t.records_out_total, p?.records_out_total) / seconds,
    };
  }
  return rates;
}

export class StatsHistory {
  // `fetchStats`: () => Promise of the /api/v1/stats document.
  constructor(fetchStats, {windowMs = 10 * 60 * 1000} = {}) {
    this.fetchStats = fetchStats;
    this.windowMs = windowMs;
    this.previous = null;
    this.samples = [];  // {time, rates: {topic: {in, out}}, lag: {group: records}}
    this.listeners = new Set();
    this.timer = null;
    this.lastError = null;
  }

  start(intervalMs = 2000) {
    if (this.timer) return;
    const tick = async () => {
      await this.poll();
      this.timer = setTimeout(tick, intervalMs);
    };
    tick();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  async poll() {
    try {
      this.add(await this.fetchStats());
      this.lastError = null;
    } catch (e) {
      this.lastError = e;
    }
    for (const listener of this.listeners) listener(this);
  }

  add(stats) {
    if (this.previous) {
      const lag = Object.fromEntries(stats.groups.map((g) => [g.group, g.lag]));
      this.samples.push({time: stats.time_ms, rates: ratesBetween(this.previous, stats), lag});
      const oldest = stats.time_ms - this.windowMs;
      while (this.samples.length && this.samples[0].time < oldest) this.samples.shift();
    }
    this.previous = stats;
  }

  // Calls `listener(history)` after every poll; returns the way to stop.
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  now() {
    return this.previous?.time_ms ?? Date.now();
  }

  // [{name, points: [[time, value]]}] for charts.
  totalThroughput() {
    const sum = (rates, key) => Object.values(rates).reduce((acc, r) => acc + r[key], 0);
    return [
      {name: 'records in/s', points: this.samples.map((s) => [s.time, sum(s.rates, 'in')])},
      {name: 'records out/s', points: this.samples.map((s) => [s.time, sum(s.rates, 'out')])},
    ];
  }

  topicThroughput(topic) {
    const pick = (key) => this.samples.filter((s) => s.rates[topic]).map((s) => [s.time, s.rates[topic][key]]);
    return [
      {name: 'records in/s', points: pick('in')},
      {name: 'records out/s', points: pick('out')},
    ];
  }

  groupLag(groups = null) {
    const names = groups ?? [...new Set(this.samples.flatMap((s) => Object.keys(s.lag)))].sort();
    return names.map((name) => ({
      name,
      points: this.samples.filter((s) => name in s.lag).map((s) => [s.time, s.lag[name]]),
    }));
  }
}
