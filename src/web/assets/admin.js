// The admin dashboard (issue 23): the shop's staff at work in a browser, over the same /v1/admin
// API as anyone (the server decides what each role may do; this page only hides what it would
// refuse). Signed in with the HttpOnly session cookie; no token in script reach. Text from the
// API is only ever put into the page as text (`h`).
import { api, ApiError, h, money } from './api.js';

const main = document.getElementById('main');
const flash = document.getElementById('flash');
const nav = document.getElementById('nav');
let me = null;

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
  customers: ['owner', 'manager', 'support', 'read_only'],
  stock: ['owner', 'manager'],
  promote: ['owner', 'manager'],
  retry: ['owner', 'manager'],
  staff: ['owner'],
};
const may = (area) => Boolean(me && AREAS[area].includes(me.staff_role));

function say(text, kind = 'ok') {
  flash.className = kind;
  flash.textContent = text;
}

// Every error the API gives, in words: its detail, and each field's message.
function sayError(e) {
  if (!(e instanceof ApiError)) throw e;
  const fields = (e.problem.errors || []).map((f) => `${f.field}: ${f.message}`);
  say([e.message, ...fields].join(' '), 'bad');
}

function show(title, ...content) {
  document.title = `${title} · Oxcart admin`;
  main.replaceChildren(h('h1', {}, title), ...content);
  main.focus();
}

const when = (iso) => new Date(iso).toLocaleString();

async function signIn() {
  nav.hidden = true;
  const form = h('form', { class: 'panel', 'aria-labelledby': 'signin-title' },
    h('label', {}, 'Email', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('p', {}, h('button', { type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const session = await api('POST', '/v1/auth/login', { email: data.get('email'), password: data.get('password') });
      if (!session.customer.staff_role) {
        await api('POST', '/v1/auth/logout').catch(() => {});
        say('This account is not a member of staff.', 'bad');
        return;
      }
      flash.textContent = '';
      await start();
    } catch (e) { sayError(e); }
  });
  main.replaceChildren(h('h1', { id: 'signin-title' }, 'Sign in to run the shop'), form);
  document.title = 'Sign in · Oxcart admin';
}

// ---- Home -------------------------------------------------------------------------------

function kpi(title, period) {
  return h('li', { class: 'kpi' },
    h('h3', {}, title),
    h('div', { class: 'big' }, money(period.revenue)),
    h('dl', {},
      h('dt', {}, 'Orders'), h('dd', {}, String(period.orders)),
      h('dt', {}, 'Average order'), h('dd', {}, money(period.average_order_value))));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

// Revenue as bars and orders as a line, one per day; a table with the same figures for screen
// readers (the picture is hidden from them).
function chart(days) {
  const width = 720; const height = 220; const pad = 28;
  const maxRevenue = Math.max(1, ...days.map((d) => d.revenue.amount));
  const maxOrders = Math.max(1, ...days.map((d) => d.orders));
  const step = (width - 2 * pad) / days.length;
  const y = (v, max) => height - pad - (v / max) * (height - 2 * pad);
  const bars = days.map((d, i) => svg('rect', {
    class: 'bar', x: pad + i * step + step * 0.15, width: step * 0.7,
    y: y(d.revenue.amount, maxRevenue), height: height - pad - y(d.revenue.amount, maxRevenue),
  }, svg('title', {}, `${d.date}: ${money(d.revenue)}, ${d.orders} orders`)));
  const points = days.map((d, i) => `${pad + i * step + step / 2},${y(d.orders, maxOrders)}`).join(' ');
  const labels = days.filter((_, i) => i % Math.ceil(days.length / 6) === 0 || i === days.length - 1)
    .map((d) => svg('text', { x: pad + days.indexOf(d) * step + step / 2, y: height - 8, 'text-anchor': 'middle' }, d.date.slice(5)));
  const picture = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true', focusable: 'false' },
    svg('line', { class: 'axis', x1: pad, y1: height - pad, x2: width - pad, y2: height - pad }),
    ...bars, svg('polyline', { class: 'line', points }), ...labels);
  const table = h('table', { class: 'visually-hidden' },
    h('caption', {}, 'Revenue and orders per day'),
    h('thead', {}, h('tr', {}, h('th', {}, 'Day'), h('th', {}, 'Revenue'), h('th', {}, 'Orders'))),
    h('tbody', {}, days.map((d) => h('tr', {}, h('td', {}, d.date), h('td', {}, money(d.revenue)), h('td', {}, String(d.orders))))));
  return h('div', {}, picture,
    h('p', { class: 'legend', 'aria-hidden': 'true' },
      h('span', {}, h('span', { class: 'swatch revenue' }), 'Revenue'),
      h('span', {}, h('span', { class: 'swatch orders' }), 'Orders')),
    table);
}

async function home() {
  if (!may('reports')) return orders();
  const offset = -new Date().getTimezoneOffset();
  const d = await api('GET', `/v1/admin/dashboard?days=30&utc_offset_minutes=${offset}`);
  const low = d.low_stock.variants;
  show('Home',
    h('ul', { class: 'kpis', 'aria-label': 'Sales' }, kpi('Today', d.today), kpi('Last 7 days', d.last_7_days), kpi('Last 30 days', d.last_30_days)),
    h('section', { class: 'panel', 'aria-labelledby': 'chart-title' }, h('h2', { id: 'chart-title' }, 'Last 30 days'), chart(d.per_day)),
    h('div', { class: 'panels' },
      h('section', { class: 'panel', 'aria-labelledby': 'ship-title' },
        h('h2', { id: 'ship-title' }, 'Waiting to ship'),
        h('p', {}, h('span', { class: 'big', id: 'awaiting' }, String(d.awaiting_shipment)), ' paid orders not yet shipped. ',
          h('a', { href: '#/orders?status=paid' }, 'See them'))),
      h('section', { class: 'panel', 'aria-labelledby': 'stock-title' },
        h('h2', { id: 'stock-title' }, `Low on stock (${d.low_stock.threshold} or fewer)`),
        low.length ? h('ul', { id: 'low-stock' }, low.map((v) => h('li', {}, `${v.product_title} — ${v.variant_title} (${v.sku}): ${v.available} left`)))
          : h('p', {}, 'Nothing is running low.'),
        may('catalog') ? h('p', {}, h('a', { href: `#/inventory?low_stock=${d.low_stock.threshold}` }, 'Restock')) : null),
      h('section', { class: 'panel', 'aria-labelledby': 'outbox-title' },
        h('h2', { id: 'outbox-title' }, 'Emails'),
        h('p', {}, `${d.outbox.pending} waiting to be sent, ${d.outbox.dead} given up on. `,
          may('operations') ? h('a', { href: '#/outbox?status=dead' }, 'See the outbox') : null))));
}

// ---- Orders -----------------------------------------------------------------------------

// An order a row: its number (a link), when, the buyer's email if asked, status and total.
const orderRows = (list, withEmail) => list.map((o) => h('tr', {},
  h('td', {}, h('a', { href: `#/order/${encodeURIComponent(o.id)}` }, `#${o.number}`)),
  h('td', {}, when(o.created_at)), withEmail ? h('td', {}, o.email) : null,
  h('td', {}, h('span', { class: `status ${o.status}` }, o.status.replace('_', ' '))),
  h('td', { class: 'num' }, money(o.total))));

const STATUSES = ['', 'paid', 'partially_fulfilled', 'fulfilled', 'cancelled', 'pending_payment', 'failed'];

async function orders(params = new URLSearchParams()) {
  const status = params.get('status') || '';
  const query = new URLSearchParams({ limit: '20' });
  if (status) query.set('status', status);
  if (params.get('number')) query.set('number', params.get('number'));
  if (params.get('email')) query.set('email', params.get('email'));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More orders');
  const load = async (cursor) => {
    if (cursor) query.set('cursor', cursor);
    const page = await api('GET', `/v1/admin/orders?${query}`);
    body.append(...orderRows(page.data, true));
    more.hidden = !page.next_cursor;
    more.onclick = () => load(page.next_cursor).catch(sayError);
  };
  const filters = h('form', { class: 'filters', role: 'search' },
    h('label', {}, 'Status', h('select', { name: 'status' }, STATUSES.map((s) => h('option', { value: s, selected: s === status }, s ? s.replace('_', ' ') : 'any')))),
    h('label', {}, 'Number', h('input', { name: 'number', inputmode: 'numeric', value: params.get('number') || '' })),
    h('label', {}, 'Email', h('input', { name: 'email', type: 'email', value: params.get('email') || '' })),
    h('button', { type: 'submit' }, 'Find'));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams([...new FormData(filters)].filter(([, v]) => v));
    location.hash = `#/orders?${next}`;
  });
  show('Orders', filters, h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Order', 'Placed', 'Email', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
    body)), h('p', { class: 'more' }, more));
  await load();
}

async function orderPage(id) {
  const path = `/v1/admin/orders/${encodeURIComponent(id)}`;
  const order = await api('GET', path);
  const notes = await api('GET', `${path}/notes?limit=100`);
  const act = (label, method, url, question) => h('button', { type: 'button', onclick: async () => {
    if (question && !window.confirm(question)) return;
    try { await api(method, url, method === 'POST' && url.endsWith('fulfill') ? {} : undefined); say(`${label}: done.`); await orderPage(id); } catch (e) { sayError(e); }
  } }, label);
  const actions = [];
  if (may('ship') && ['paid', 'partially_fulfilled'].includes(order.status)) actions.push(act('Ship everything not shipped', 'POST', `${path}/fulfill`));
  if (may('cancel') && order.status === 'paid') actions.push(act('Cancel and refund', 'POST', `${path}/cancel`, `Cancel order #${order.number} and refund ${money(order.total)}? This cannot be undone.`));
  const noteForm = h('form', { 'aria-labelledby': 'note-title' },
    h('label', {}, 'Note for the team', h('textarea', { name: 'body', required: true, maxlength: 4000 })),
    h('p', {}, h('button', { type: 'submit' }, 'Add note')));
  noteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try { await api('POST', `${path}/notes`, { body: new FormData(noteForm).get('body') }); say('Note added.'); await orderPage(id); } catch (e) { sayError(e); }
  });
  const row = (label, m) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, money(m)));
  const a = order.shipping_address;
  show(`Order #${order.number}`,
    h('p', {}, h('span', { class: `status ${order.status}` }, order.status.replace('_', ' ')), ` · ${order.email} · placed ${when(order.created_at)}`),
    h('div', { class: 'actions' }, actions),
    h('section', { class: 'panel', 'aria-labelledby': 'lines-title' }, h('h2', { id: 'lines-title' }, 'Lines'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Item', 'SKU'].map((t) => h('th', { scope: 'col' }, t)), ['Qty', 'Shipped', 'Price', 'Total'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
        h('tbody', {}, order.items.map((i) => h('tr', {}, h('td', {}, `${i.title} — ${i.variant_title}`), h('td', {}, i.sku),
          h('td', { class: 'num' }, String(i.quantity)), h('td', { class: 'num' }, String(i.fulfilled_quantity)),
          h('td', { class: 'num' }, money(i.unit_price)), h('td', { class: 'num' }, money(i.line_total)))))))),
    h('div', { class: 'panels' },
      h('section', { class: 'panel', 'aria-labelledby': 'buyer-title' }, h('h2', { id: 'buyer-title' }, 'Customer and delivery'),
        h('address', {}, [a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, [a.province, a.country].filter(Boolean).join(', ')]
          .filter(Boolean).flatMap((line) => [line, h('br')])),
        h('p', {}, `Payment: ${order.payment ? `${order.payment.status} (${order.payment.provider})` : 'none'}`),
        order.shipping_option ? h('p', {}, `Shipping: ${order.shipping_option.name}`) : null),
      h('section', { class: 'panel', 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, 'Totals'),
        h('table', {}, h('tbody', {}, row('Subtotal', order.subtotal), row('Discounts', order.discount_total),
          row('Shipping', order.shipping_total), row(order.tax_included ? 'Tax (included)' : 'Tax', order.tax_total), row('Total', order.total)))),
      h('section', { class: 'panel', 'aria-labelledby': 'ship-title' }, h('h2', { id: 'ship-title' }, 'Shipments'),
        order.shipments.length ? h('ul', {}, order.shipments.map((s) => h('li', {}, `${s.status} · ${when(s.created_at)}${s.tracking_number ? ` · tracking ${s.tracking_number}` : ''}`)))
          : h('p', {}, 'Nothing shipped yet.'))),
    h('section', { class: 'panel', 'aria-labelledby': 'note-title' }, h('h2', { id: 'note-title' }, 'Staff notes'),
      notes.data.length ? h('ul', { class: 'notes' }, notes.data.map((n) => h('li', {}, n.body, h('span', { class: 'meta' }, `${n.author.name} (${n.author.email}), ${when(n.created_at)}`))))
        : h('p', {}, 'No notes yet.'),
      may('notes') ? noteForm : null));
}

// ---- Outbox -----------------------------------------------------------------------------

async function outbox(params = new URLSearchParams()) {
  const status = params.get('status') ?? 'dead';
  const page = await api('GET', `/v1/admin/outbox?limit=50${status ? `&status=${encodeURIComponent(status)}` : ''}`);
  const retry = (m) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await api('POST', `/v1/admin/outbox/${encodeURIComponent(m.id)}/retry`); say(`${m.topic}: will be sent again now.`); await outbox(params); } catch (e) { sayError(e); }
  } }, 'Retry');
  const filter = h('form', { class: 'filters' },
    h('label', {}, 'Status', h('select', { name: 'status' }, ['dead', 'pending', 'sending', 'delivered', ''].map((s) => h('option', { value: s, selected: s === status }, s || 'any')))),
    h('button', { type: 'submit' }, 'Show'));
  filter.addEventListener('submit', (event) => { event.preventDefault(); location.hash = `#/outbox?status=${new FormData(filter).get('status')}`; });
  show('Outbox', h('p', {}, 'Every email starts here. Messages delivery gave up on are dead: fix the cause (the mail server, an address), then retry them.'),
    filter, page.data.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Queued', 'Topic', 'Status', 'Attempts', 'Last error', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.data.map((m) => h('tr', {},
        h('td', {}, when(m.created_at)), h('td', {}, m.topic), h('td', {}, h('span', { class: `status ${m.status}` }, m.status)),
        h('td', { class: 'num' }, String(m.attempts)), h('td', {}, m.last_error || ''),
        h('td', {}, m.status === 'dead' && may('retry') ? retry(m) : '')))))) : h('p', {}, 'No messages.'));
}

// ---- Customers --------------------------------------------------------------------------

async function customers(params = new URLSearchParams()) {
  const q = params.get('q') || '';
  const page = await api('GET', `/v1/admin/customers?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  const search = h('form', { class: 'filters', role: 'search' },
    h('label', {}, 'Email or name contains', h('input', { name: 'q', type: 'search', value: q })),
    h('button', { type: 'submit' }, 'Search'));
  search.addEventListener('submit', (event) => { event.preventDefault(); location.hash = `#/customers?q=${encodeURIComponent(new FormData(search).get('q'))}`; });
  show('Customers', search, page.data.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'customers' },
    h('thead', {}, h('tr', {}, ['Name', 'Email', 'Since'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.data.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `#/customer/${encodeURIComponent(c.id)}` }, c.name)), h('td', {}, c.email), h('td', {}, when(c.created_at))))))) : h('p', {}, 'No one matches.'));
}

async function customerPage(id) {
  const [c, orders] = await Promise.all([api('GET', `/v1/admin/customers/${encodeURIComponent(id)}`),
    api('GET', `/v1/admin/orders?limit=50&customer_id=${encodeURIComponent(id)}`)]);
  show(c.name, h('p', {}, `${c.email} · customer since ${when(c.created_at)}${c.staff_role ? ` · staff (${c.staff_role.replace('_', ' ')})` : ''}`),
    h('section', { class: 'panel', 'aria-labelledby': 'their-orders' }, h('h2', { id: 'their-orders' }, 'Orders'),
      orders.data.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'customer-orders' },
        h('thead', {}, h('tr', {}, ['Order', 'Placed', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
        h('tbody', {}, orderRows(orders.data)))) : h('p', {}, 'No orders while signed in (guest orders are found by email on Orders).')));
}

// ---- Inventory --------------------------------------------------------------------------

async function inventory(params = new URLSearchParams()) {
  const low = params.get('low_stock') || '';
  const query = new URLSearchParams({ limit: '100' });
  if (low) query.set('low_stock', low);
  const page = await api('GET', `/v1/admin/inventory?${query}`);
  const filter = h('form', { class: 'filters' },
    h('label', {}, 'At most this many available (empty: all)', h('input', { name: 'low_stock', type: 'number', min: 0, value: low })),
    h('button', { type: 'submit' }, 'Show'));
  filter.addEventListener('submit', (event) => { event.preventDefault(); location.hash = `#/inventory?low_stock=${new FormData(filter).get('low_stock')}`; });
  const adjust = (level) => {
    const form = h('form', { class: 'row', 'aria-label': `Adjust ${level.sku}` },
      h('label', {}, 'Units (+/−)', h('input', { name: 'delta', type: 'number', required: true, step: 1 })),
      h('label', {}, 'Reason', h('input', { name: 'reason', required: true, placeholder: 'delivery, count, damage' })),
      h('button', { type: 'submit', class: 'secondary' }, `Adjust ${level.sku}`));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const d = new FormData(form);
      try {
        const after = await api('POST', `/v1/admin/inventory/${encodeURIComponent(level.variant_id)}/adjustments`, { delta: Number(d.get('delta')), reason: d.get('reason') });
        say(`${level.sku}: ${after.on_hand} on hand, ${after.available} available.`);
        await inventory(params);
      } catch (e) { sayError(e); }
    });
    return form;
  };
  show('Inventory', filter, h('div', { class: 'table-wrap' }, h('table', { id: 'inventory' },
    h('thead', {}, h('tr', {}, ['Product', 'SKU'].map((t) => h('th', { scope: 'col' }, t)), ['On hand', 'Reserved', 'Available'].map((t) => h('th', { scope: 'col', class: 'num' }, t)), may('stock') ? h('th', { scope: 'col' }, 'Adjust') : null)),
    h('tbody', {}, page.data.map((l) => h('tr', {},
      h('td', {}, `${l.product_title} — ${l.variant_title}`), h('td', {}, l.sku),
      h('td', { class: 'num' }, String(l.on_hand)), h('td', { class: 'num' }, String(l.reserved)), h('td', { class: 'num' }, String(l.available)),
      may('stock') ? h('td', {}, adjust(l)) : null))))),
  page.next_cursor ? h('p', {}, 'Showing the first 100; narrow it with the filter.') : null);
}

// ---- Promotions -------------------------------------------------------------------------

const describe = (p) => {
  const off = p.type === 'percentage' ? `${p.percentage_bps / 100}% off` : p.type === 'fixed' ? `${money(p.amount)} off`
    : p.type === 'free_shipping' ? 'free shipping' : `buy ${p.buy_quantity} get ${p.get_quantity}`;
  return `${off} (${p.class})`;
};

async function promotions() {
  const page = await api('GET', '/v1/admin/promotions?limit=100');
  const create = h('form', { class: 'panel', 'aria-labelledby': 'new-promo-title' },
    h('h2', { id: 'new-promo-title' }, 'New discount code'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100 })),
      h('label', {}, 'Code', h('input', { name: 'code', required: true, pattern: '[A-Za-z0-9_\\-]{3,32}', autocomplete: 'off' })),
      h('label', {}, 'Percent off the order', h('input', { name: 'percent', type: 'number', min: 1, max: 100, step: 'any', required: true })),
      h('label', {}, 'Uses in all (empty: no limit)', h('input', { name: 'limit', type: 'number', min: 0 })),
      h('button', { type: 'submit' }, 'Create code')));
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    const d = new FormData(create);
    const body = { name: d.get('name'), class: 'order', type: 'percentage', trigger: 'code', code: d.get('code'),
      percentage_bps: Math.round(Number(d.get('percent')) * 100), combines_with: ['product', 'shipping'] };
    if (d.get('limit')) body.usage_limit = Number(d.get('limit'));
    try { await api('POST', '/v1/admin/promotions', body); say(`Code ${d.get('code')} created.`); await promotions(); } catch (e) { sayError(e); }
  });
  const toggle = (p) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
    if (p.enabled && !window.confirm(`Disable ${p.name}? Carts stop getting it at once.`)) return;
    try { await api('PATCH', `/v1/admin/promotions/${encodeURIComponent(p.id)}`, { enabled: !p.enabled }); say(`${p.name} ${p.enabled ? 'disabled' : 'enabled'}.`); await promotions(); } catch (e) { sayError(e); }
  } }, `${p.enabled ? 'Disable' : 'Enable'} ${p.name}`);
  show('Promotions', may('promote') ? create : null, h('div', { class: 'table-wrap' }, h('table', { id: 'promotions' },
    h('thead', {}, h('tr', {}, ['Name', 'How', 'Discount', 'Used', 'Held', 'Left', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.data.map((p) => h('tr', {},
      h('td', {}, p.name), h('td', {}, p.trigger === 'code' ? (p.code ? `code ${p.code}` : `${p.codes_count} single-use codes`) : 'automatic'),
      h('td', {}, describe(p)), h('td', { class: 'num' }, String(p.usage.used)), h('td', { class: 'num' }, String(p.usage.held)),
      h('td', { class: 'num' }, p.usage.remaining === null ? '∞' : String(p.usage.remaining)),
      h('td', {}, p.enabled ? 'enabled' : 'disabled'), h('td', {}, may('promote') ? toggle(p) : '')))))));
}

// ---- Staff ------------------------------------------------------------------------------

const ROLES = ['owner', 'manager', 'fulfilment', 'support', 'read_only'];

async function staff() {
  const page = await api('GET', '/v1/admin/staff?limit=100');
  const change = async (member, body, done) => {
    try { await api('PATCH', `/v1/admin/staff/${encodeURIComponent(member.id)}`, body); say(done); await staff(); } catch (e) { sayError(e); }
  };
  const invite = h('form', { class: 'panel', 'aria-labelledby': 'invite-title' },
    h('h2', { id: 'invite-title' }, 'Invite a member of staff'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
      h('label', {}, 'Email', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' })),
      h('label', {}, 'Role', h('select', { name: 'staff_role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'fulfilment' }, r.replace('_', ' '))))),
      h('button', { type: 'submit' }, 'Send invitation')),
    h('p', {}, 'They get an email with a link to choose their password, valid for a week.'));
  invite.addEventListener('submit', async (event) => {
    event.preventDefault();
    const d = new FormData(invite);
    try {
      await api('POST', '/v1/admin/staff', { name: d.get('name'), email: d.get('email'), staff_role: d.get('staff_role') });
      say(`Invited ${d.get('email')}.`);
      await staff();
    } catch (e) { sayError(e); }
  });
  const rows = page.data.map((m) => {
    const role = h('select', { 'aria-label': `Role of ${m.email}` }, ROLES.map((r) => h('option', { value: r, selected: r === m.staff_role }, r.replace('_', ' '))));
    role.addEventListener('change', () => change(m, { staff_role: role.value }, `${m.email} is now ${role.value.replace('_', ' ')}.`));
    const toggle = m.disabled
      ? h('button', { type: 'button', class: 'secondary', onclick: () => change(m, { disabled: false }, `${m.email} can sign in again.`) }, `Enable ${m.email}`)
      : h('button', { type: 'button', class: 'secondary', onclick: () => {
        if (window.confirm(`Disable ${m.email}? Their sessions end at once and they cannot sign in.`)) change(m, { disabled: true }, `${m.email} is disabled.`);
      } }, `Disable ${m.email}`);
    return h('tr', {}, h('td', {}, m.name), h('td', {}, m.email), h('td', {}, role),
      h('td', {}, m.disabled ? 'disabled' : 'active'), h('td', {}, toggle));
  });
  show('Staff', invite, h('div', { class: 'table-wrap' }, h('table', { id: 'staff' },
    h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows))));
}

// ---- Audit log --------------------------------------------------------------------------

async function audit(params = new URLSearchParams()) {
  const query = new URLSearchParams({ limit: '50' });
  for (const key of ['staff_id', 'object_type', 'object_id']) if (params.get(key)) query.set(key, params.get(key));
  const [page, members] = await Promise.all([api('GET', `/v1/admin/audit-log?${query}`), api('GET', '/v1/admin/staff?limit=100')]);
  const json = (label, value) => (value ? h('div', {}, h('strong', {}, label), h('pre', { class: 'json' }, JSON.stringify(value, null, 2))) : null);
  const filter = h('form', { class: 'filters' },
    h('label', {}, 'Member of staff', h('select', { name: 'staff_id' }, h('option', { value: '' }, 'anyone'),
      members.data.map((m) => h('option', { value: m.id, selected: m.id === params.get('staff_id') }, m.email)))),
    h('label', {}, 'Object type', h('input', { name: 'object_type', placeholder: 'order, product…', value: params.get('object_type') || '' })),
    h('label', {}, 'Object id', h('input', { name: 'object_id', value: params.get('object_id') || '' })),
    h('button', { type: 'submit' }, 'Filter'));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/audit?${new URLSearchParams([...new FormData(filter)].filter(([, v]) => v))}`;
  });
  const object = (e) => (e.object ? h('a', { href: `#/audit?object_type=${encodeURIComponent(e.object.type)}${e.object.id ? `&object_id=${encodeURIComponent(e.object.id)}` : ''}` },
    `${e.object.type} ${e.object.id || ''}`) : '');
  show('Audit log', filter, h('div', { class: 'table-wrap' }, h('table', { id: 'audit' },
    h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Object', 'Answer'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.data.map((e) => h('tr', {},
      h('td', {}, when(e.created_at)), h('td', {}, `${e.staff.email} (${e.staff.staff_role})`),
      h('td', {}, h('details', {}, h('summary', {}, e.action), json('Sent', e.request), json('Before', e.before), json('After', e.after))),
      h('td', {}, object(e)),
      h('td', {}, e.status === null ? 'unknown' : `${e.status}${e.error_code ? ` ${e.error_code}` : ''}`)))))));
}

// ---- Routing ----------------------------------------------------------------------------

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  for (const link of nav.querySelectorAll('a')) {
    link.hidden = !may(link.dataset.area);
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${parts[0] || ''}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  try {
    if (parts[0] === 'orders') await orders(params);
    else if (parts[0] === 'order' && parts[1]) await orderPage(parts[1]);
    else if (parts[0] === 'audit') await audit(params);
    else if (parts[0] === 'outbox') await outbox(params);
    else if (parts[0] === 'staff') await staff();
    else if (parts[0] === 'promotions') await promotions();
    else if (parts[0] === 'inventory') await inventory(params);
    else if (parts[0] === 'customers') await customers(params);
    else if (parts[0] === 'customer' && parts[1]) await customerPage(parts[1]);
    else await home();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signIn();
    sayError(e);
  }
}

async function start() {
  try {
    me = await api('GET', '/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signIn();
    throw e;
  }
  if (!me.staff_role) return signIn();
  nav.hidden = false;
  document.getElementById('who').textContent = `${me.name} · ${me.staff_role.replace('_', ' ')}`;
  await route();
}

document.getElementById('signout').addEventListener('click', async () => {
  await api('POST', '/v1/auth/logout').catch(() => {});
  me = null;
  signIn();
});
window.addEventListener('hashchange', () => { flash.textContent = ''; flash.className = ''; if (me) route(); });
start().catch(sayError);
