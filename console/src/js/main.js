// The console's entry: routes the URL's hash to a page, gives each page a context whose timers
// stop when the user leaves it, and keeps the broker's health in the header.

import {api} from './api.js';
import {h, replace} from './dom.js';
import {StatsHistory} from './stats.js';
import * as overview from './pages/overview.js';
import * as topics from './pages/topics.js';
import * as topic from './pages/topic.js';
import * as groups from './pages/groups.js';
import * as group from './pages/group.js';

// Hash routes: #/, #/topics, #/topics/NAME, #/groups, #/groups/NAME.
const ROUTES = [
  {pattern: /^\/?$/, page: overview, nav: 'overview'},
  {pattern: /^\/topics\/?$/, page: topics, nav: 'topics'},
  {pattern: /^\/topics\/([^/]+)$/, page: topic, nav: 'topics'},
  {pattern: /^\/groups\/?$/, page: groups, nav: 'groups'},
  {pattern: /^\/groups\/([^/]+)$/, page: group, nav: 'groups'},
];

const stats = new StatsHistory(api.stats);
let leave = () => {};

function pageContext() {
  const timers = [];
  const unsubscribers = [];
  return {
    api,
    stats,
    navigate: (hash) => { window.location.hash = hash; },
    // Runs fn now and every `ms` until the page is left.
    every(ms, fn) {
      fn();
      timers.push(setInterval(fn, ms));
    },
    onStats(fn) {
      fn(stats);
      unsubscribers.push(stats.subscribe(fn));
    },
    dispose() {
      timers.forEach(clearInterval);
      unsubscribers.forEach((u) => u());
    },
  };
}

function show() {
  leave();
  const path = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  const view = document.getElementById('view');
  const route = ROUTES.find((r) => r.pattern.test(path));
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === route?.nav);
  }
  if (!route) {
    replace(view, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the overview')));
    leave = () => {};
    return;
  }
  const params = path.match(route.pattern).slice(1);
  const ctx = pageContext();
  replace(view);
  const cleanup = route.page.render(view, params, ctx);
  leave = () => {
    ctx.dispose();
    cleanup?.();
  };
}

async function refreshHealthDot() {
  const dot = document.getElementById('health-dot');
  try {
    const health = await api.health();
    dot.className = `health-dot ${health.status}`;
    dot.title = health.ready ? 'ready' : `${health.status}: ${health.reasons.join('; ')}`;
  } catch (e) {
    dot.className = 'health-dot down';
    dot.title = e.message;
  }
}

window.addEventListener('hashchange', show);
stats.start(2000);
refreshHealthDot();
setInterval(refreshHealthDot, 5000);
show();
