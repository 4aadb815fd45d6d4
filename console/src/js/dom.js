// Building DOM by hand, without a framework: h() makes an element from a tag, properties and
// children; svg() does the same in the SVG namespace.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'style' && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) el.style.setProperty(k, v);
    } else if (name === 'value' && 'value' in el) {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// h('a', {href: '#/topics', class: 'x', onclick: fn}, 'text', otherNode, [more, nodes])
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

export function svg(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  append(el, children);
  return el;
}

// Replaces everything inside `el` with `children`.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A table from column definitions: [{title, value: row => content, num: bool}], with an empty
// message when there are no rows.
export function table(columns, rows, {empty = 'Nothing here yet.', rowClass, testid} = {}) {
  if (rows.length === 0) return h('div', {class: 'empty', 'data-testid': testid}, empty);
  return h('table', {'data-testid': testid},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {class: c.num ? 'num' : null}, c.title)))),
    h('tbody', {}, rows.map((row) =>
      h('tr', {class: rowClass?.(row)},
        columns.map((c) => h('td', {class: c.num ? 'num' : null}, c.value(row)))))));
}

export function fact(label, value, testid) {
  return h('div', {class: 'fact'},
    h('div', {class: 'label'}, label),
    h('div', {class: 'value', 'data-testid': testid}, value));
}

export function badge(text, kind = text) {
  return h('span', {class: ['badge', kind]}, text);
}
