// What every page of the admin dashboard shares: who is signed in and what their role may do,
// the status line, the page frame, and small builders for forms and tables. Text from the API
// is only ever put into the page as text (`h`).
import { api, ApiError, h } from './api.js';

export { api, ApiError, h, money } from './api.js';

const main = document.getElementById('main');
const flash = document.getElementById('flash');

// The member of staff signed in (GET /v1/me), or null.
export const session = { me: null };

// What each role may open, as docs/API.md's "Staff roles" table says.
const AREAS = {
  reports: ['owner', 'manager', 'read_only'],
  orders: ['owner', 'manager', 'fulfilment', 'support', 'read_only'],
  ship: ['owner', 'manager', 'fulfilment'],
  cancel: ['owner', 'manager'],
  notes: ['owner', 'manager', 'fulfilment', 'support'],
  operations: ['owner', 'manager', 'read_only'],
  promotions: ['owner', 'manager', 'read_only'],
  catalog: ['owner', 'manager', 'read_only'],
  edit_catalog: ['owner', 'manager'],
  customers: ['owner', 'manager', 'support', 'read_only'],
  stock: ['owner', 'manager'],
  promote: ['owner', 'manager'],
  retry: ['owner', 'manager'],
  settings: ['owner'],
  settings_read: ['owner', 'manager', 'read_only'],
  staff: ['owner'],
};
export const may = (area) => Boolean(session.me && AREAS[area].includes(session.me.staff_role));

export function say(text, kind = 'ok') {
  flash.className = kind;
  flash.textContent = text;
}

// What to say once the page a change moves to is shown (`go`).
let afterMove = null;

// A page change clears the status line, unless the move was made to say something there.
export function clearSay() {
  flash.textContent = '';
  flash.className = '';
  if (afterMove) say(afterMove);
  afterMove = null;
}

// Moves to another page (which the hash change draws), saying `message` there.
export function go(hash, message) {
  if (location.hash === hash) { if (message) say(message); return; }
  afterMove = message || null;
  location.hash = hash;
}

// Every error the API gives, in words: its detail, and each field's message.
export function sayError(e) {
  if (!(e instanceof ApiError)) throw e;
  const errors = e.problem.errors || [];
  say([e.message, ...errors.map((f) => `${f.field}: ${f.message}`)].join(' '), 'bad');
  // The inputs the API named are marked, and the first is where the keyboard goes.
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const named = errors.map((f) => document.querySelector(`[data-field="${CSS.escape(f.field)}"]`)).filter(Boolean);
  for (const el of named) el.setAttribute('aria-invalid', 'true');
  if (named[0]) named[0].focus();
}

export function show(title, ...content) {
  document.title = `${title} · Oxcart admin`;
  main.replaceChildren(h('h1', {}, title), ...content);
  main.focus();
}

export const when = (iso) => new Date(iso).toLocaleString();

// Numbers typed with two decimals (`4.90`, or `4,90`) in hundredths: an amount in minor units
// (`490`), a percentage in basis points (`19` is `1900`); and back, for an input's value.
export const hundredths = (text) => Math.round(Number(String(text).replace(',', '.')) * 100);
export const decimal = (amount) => (amount / 100).toFixed(2);
export const words = (code) => code.replaceAll('_', ' ');

// A table: its column titles (a title ending in '#' is a number, right-aligned) and rows (or
// a tbody to fill later).
export function table(id, titles, rows) {
  const head = titles.map((t) => (t.endsWith('#')
    ? h('th', { scope: 'col', class: 'num' }, t.slice(0, -1)) : h('th', { scope: 'col' }, t)));
  return h('div', { class: 'table-wrap' }, h('table', id ? { id } : {}, h('thead', {}, h('tr', {}, head)),
    rows instanceof Element ? rows : h('tbody', {}, rows)));
}

export const cell = (value, num) => h('td', num ? { class: 'num' } : {}, value);

// A filter form whose fields become the page's query: `#/{page}?{fields}`.
export function filters(page, button, ...fields) {
  const form = h('form', { class: 'filters', role: 'search' }, ...fields, h('button', { type: 'submit' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/${page}?${new URLSearchParams([...new FormData(form)].filter(([, v]) => v))}`;
  });
  return form;
}

// A labelled select of `[value, label]` choices.
export const choose = (label, name, choices, selected) => h('label', {}, label,
  h('select', { name }, choices.map(([value, text]) => h('option', { value, selected: value === selected }, text))));

// Runs an action from a button or form: the outcome in words, then the page drawn again.
export async function act(work, done, redraw) {
  try {
    await work();
    if (redraw) await redraw();
    if (done) say(done);
  } catch (e) { sayError(e); }
}

// Uploads a picture as it is (the body is the file, not JSON) and answers the stored file.
export const upload = (file) => api('POST', '/v1/admin/media', file);
