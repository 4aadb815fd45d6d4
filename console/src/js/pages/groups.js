// Consumer groups: every group with its state, members, topics and total lag.

import {h, replace, table, badge} from '../dom.js';
import {formatNumber} from '../format.js';

const enc = encodeURIComponent;

export function render(view, _params, ctx) {
  const list = h('section', {class: 'panel'}, h('div', {class: 'empty'}, 'Loading…'));
  replace(view, h('h1', {}, 'Consumer groups'), list);
  ctx.every(3000, async () => {
    try {
      const {groups} = await ctx.api.groups();
      replace(list, table([
        {title: 'Group', value: (g) => h('a', {href: `#/groups/${enc(g.group)}`, 'data-testid': `group-link-${g.group}`}, g.group)},
        {title: 'State', value: (g) => badge(g.state)},
        {title: 'Members', num: true, value: (g) => g.members},
        {title: 'Topics', value: (g) => g.topics.join(', ')},
        {title: 'Lag (records)', num: true, value: (g) => h('span', {'data-testid': `group-lag-${g.group}`}, formatNumber(g.lag))},
      ], groups, {empty: 'No consumer groups yet.', testid: 'groups-table'}));
    } catch (e) {
      replace(list, h('p', {class: 'error'}, e.message));
    }
  });
}
