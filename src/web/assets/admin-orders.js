// Orders: the list with its filters, and one order with its lines, totals, payment,
// shipments (ship some or all of it), what happened when, and the team's notes.
import { act, api, choose, filters, h, may, money, say, sayError, show, table, when, words } from './admin-core.js';

// An order as a row: its number (a link), when, the buyer's email if asked, status and total.
export const orderRows = (list, withEmail) => list.map((o) => h('tr', {},
  h('td', {}, h('a', { href: `#/order/${encodeURIComponent(o.id)}` }, `#${o.number}`)),
  h('td', {}, when(o.created_at)), withEmail ? h('td', {}, o.email) : null,
  h('td', {}, h('span', { class: `status ${o.status}` }, words(o.status))),
  h('td', { class: 'num' }, money(o.total))));

const STATUSES = ['', 'paid', 'partially_fulfilled', 'fulfilled', 'cancelled', 'pending_payment', 'failed'];

export async function orders(params = new URLSearchParams()) {
  const query = new URLSearchParams({ limit: '20' });
  for (const key of ['status', 'number', 'email']) if (params.get(key)) query.set(key, params.get(key));
  // Days as the operator lives them: from the start of `from` to the end of `to`, locally.
  const midnight = (day, later = 0) => { const d = new Date(`${day}T00:00`); d.setDate(d.getDate() + later); return d.toISOString(); };
  if (params.get('from')) query.set('placed_from', midnight(params.get('from')));
  if (params.get('to')) query.set('placed_before', midnight(params.get('to'), 1));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More orders');
  const load = async (cursor) => {
    if (cursor) query.set('cursor', cursor);
    const page = await api('GET', `/v1/admin/orders?${query}`);
    body.append(...orderRows(page.data, true));
    more.hidden = !page.next_cursor;
    more.onclick = () => load(page.next_cursor).catch(sayError);
  };
  const form = filters('orders', 'Find',
    choose('Status', 'status', STATUSES.map((s) => [s, s ? words(s) : 'any']), params.get('status') || ''),
    h('label', {}, 'Number', h('input', { name: 'number', inputmode: 'numeric', value: params.get('number') || '' })),
    h('label', {}, 'Email', h('input', { name: 'email', type: 'email', value: params.get('email') || '' })),
    h('label', {}, 'Placed from', h('input', { name: 'from', type: 'date', value: params.get('from') || '' })),
    h('label', {}, 'Placed until', h('input', { name: 'to', type: 'date', value: params.get('to') || '' })));
  show('Orders', form, h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Order', 'Placed', 'Email', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
    body)), h('p', { class: 'more' }, more));
  await load();
}

// Ship some of an order: how many of each line go in this parcel (what is left, to begin
// with), and how it travels.
function shipmentForm(order, path, redraw) {
  const open = order.items.filter((i) => i.quantity > i.fulfilled_quantity);
  const form = h('form', { class: 'panel', 'aria-labelledby': 'parcel-title' },
    h('h2', { id: 'parcel-title' }, 'Ship a parcel'),
    table('parcel', ['Item', 'SKU', 'Left to ship#', 'In this parcel#'], open.map((i) => h('tr', {},
      h('td', {}, `${i.title} — ${i.variant_title}`), h('td', {}, i.sku), h('td', { class: 'num' }, String(i.quantity - i.fulfilled_quantity)),
      h('td', { class: 'num' }, h('input', { type: 'number', name: i.id, min: 0, max: i.quantity - i.fulfilled_quantity,
        value: i.quantity - i.fulfilled_quantity, 'aria-label': `Units of ${i.sku} in this parcel` }))))),
    h('div', { class: 'row' },
      h('label', {}, 'Carrier', h('input', { name: 'carrier', maxlength: 100 })),
      h('label', {}, 'Tracking number', h('input', { name: 'tracking_number', maxlength: 100 })),
      h('button', { type: 'submit' }, 'Ship this parcel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const items = open.map((i) => ({ order_item_id: i.id, quantity: Number(d.get(i.id)) })).filter((i) => i.quantity > 0);
    if (!items.length) { say('Put at least one unit in the parcel.', 'bad'); return; }
    const body = { items };
    for (const key of ['carrier', 'tracking_number']) if (d.get(key)) body[key] = d.get(key);
    const units = items.reduce((n, i) => n + i.quantity, 0);
    act(() => api('POST', `${path}/shipments`, body), `Shipped ${units} unit(s).`, redraw);
  });
  return form;
}

function shipments(order, redraw) {
  if (!order.shipments.length) return h('p', {}, 'Nothing shipped yet.');
  const skus = Object.fromEntries(order.items.map((i) => [i.id, i.sku]));
  return h('ul', { class: 'shipments' }, order.shipments.map((s) => {
    const acts = [];
    if (may('ship') && s.status === 'shipped') {
      const base = `/v1/admin/shipments/${encodeURIComponent(s.id)}`;
      acts.push(h('button', { type: 'button', class: 'secondary', onclick: () => act(() => api('POST', `${base}/deliver`), 'Marked delivered.', redraw) }, 'Mark delivered'));
      acts.push(h('button', { type: 'button', class: 'secondary', onclick: () => {
        if (window.confirm('Cancel this shipment? Its units count as not shipped again.')) act(() => api('POST', `${base}/cancel`), 'Shipment cancelled.', redraw);
      } }, 'Cancel shipment'));
    }
    const what = s.items.map((i) => `${i.quantity} × ${skus[i.order_item_id] || i.order_item_id}`).join(', ');
    const track = [s.carrier, s.tracking_number].filter(Boolean).join(' ');
    return h('li', {}, h('span', { class: `status ${s.status}` }, s.status), ` ${what}${track ? ` · ${track}` : ''} · ${when(s.created_at)} `, ...acts);
  }));
}

// What happened to the order, oldest first: placed, each shipment, each note, and (for
// owners, who may read the audit log) every change staff made to it.
async function timeline(order, notes) {
  const events = [{ at: order.created_at, text: `Placed by ${order.email} (${money(order.total)})` }];
  if (order.payment) events.push({ at: order.created_at, text: `Payment ${order.payment.status} (${order.payment.provider})` });
  for (const s of order.shipments) {
    events.push({ at: s.created_at, text: `Shipped ${s.items.reduce((n, i) => n + i.quantity, 0)} unit(s)` });
    if (s.status !== 'shipped') events.push({ at: s.updated_at, text: `Shipment ${s.status}` });
  }
  if (!may('staff')) for (const n of notes) events.push({ at: n.created_at, text: `Note by ${n.author.name}` });
  if (may('staff')) {
    // Who did what to it, from the audit log; a refusal too, with its reason.
    const log = await api('GET', `/v1/admin/audit-log?limit=100&object_type=order&object_id=${encodeURIComponent(order.id)}`);
    const verbs = { fulfill: 'Everything shipped', cancel: 'Cancelled and refunded', shipments: 'A parcel shipped', notes: 'A note left' };
    for (const e of log.data) {
      const verb = verbs[e.action.split('/').pop()] || e.action;
      const outcome = e.status === null ? ' (outcome unknown)' : e.status >= 400 ? ` — refused: ${words(e.error_code || String(e.status))}` : '';
      events.push({ at: e.created_at, text: `${verb} by ${e.staff.email}${outcome}` });
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', {}, h('time', { datetime: e.at }, when(e.at)), ' ', e.text)));
}

export async function orderPage(id) {
  const path = `/v1/admin/orders/${encodeURIComponent(id)}`;
  const [order, notes] = await Promise.all([api('GET', path), api('GET', `${path}/notes?limit=100`)]);
  const redraw = () => orderPage(id);
  const actions = [];
  const shippable = may('ship') && ['paid', 'partially_fulfilled'].includes(order.status);
  if (shippable) actions.push(h('button', { type: 'button', onclick: () => act(() => api('POST', `${path}/fulfill`, {}), 'Shipped everything.', redraw) }, 'Ship everything not shipped'));
  if (may('cancel') && order.status === 'paid') {
    actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => {
      if (window.confirm(`Cancel order #${order.number} and refund ${money(order.total)}? This cannot be undone.`)) act(() => api('POST', `${path}/cancel`), 'Order cancelled and refunded.', redraw);
    } }, 'Cancel and refund'));
  }
  const noteForm = h('form', { 'aria-labelledby': 'note-title' },
    h('label', {}, 'Note for the team', h('textarea', { name: 'body', required: true, maxlength: 4000 })),
    h('p', {}, h('button', { type: 'submit' }, 'Add note')));
  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    act(() => api('POST', `${path}/notes`, { body: new FormData(noteForm).get('body') }), 'Note added.', redraw);
  });
  const row = (label, m) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, money(m)));
  const a = order.shipping_address;
  show(`Order #${order.number}`,
    h('p', {}, h('span', { class: `status ${order.status}` }, words(order.status)), ` · ${order.email} · placed ${when(order.created_at)}`),
    h('div', { class: 'actions' }, actions),
    h('section', { class: 'panel', 'aria-labelledby': 'lines-title' }, h('h2', { id: 'lines-title' }, 'Lines'),
      table('lines', ['Item', 'SKU', 'Qty#', 'Shipped#', 'Price#', 'Total#'], order.items.map((i) => h('tr', {}, h('td', {}, `${i.title} — ${i.variant_title}`), h('td', {}, i.sku),
        h('td', { class: 'num' }, String(i.quantity)), h('td', { class: 'num' }, String(i.fulfilled_quantity)),
        h('td', { class: 'num' }, money(i.unit_price)), h('td', { class: 'num' }, money(i.line_total)))))),
    shippable ? shipmentForm(order, path, redraw) : null,
    h('div', { class: 'panels' },
      h('section', { class: 'panel', 'aria-labelledby': 'buyer-title' }, h('h2', { id: 'buyer-title' }, 'Customer and delivery'),
        h('address', {}, [a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, [a.province, a.country].filter(Boolean).join(', ')]
          .filter(Boolean).flatMap((line) => [line, h('br')])),
        h('p', {}, `Payment: ${order.payment ? `${order.payment.status} (${order.payment.provider})` : 'none'}`),
        order.shipping_option ? h('p', {}, `Shipping: ${order.shipping_option.name}`) : null),
      h('section', { class: 'panel', 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, 'Totals'),
        h('table', {}, h('tbody', {}, row('Subtotal', order.subtotal), row('Discounts', order.discount_total),
          row('Shipping', order.shipping_total), row(order.tax_included ? 'Tax (included)' : 'Tax', order.tax_total), row('Total', order.total)))),
      h('section', { class: 'panel', 'aria-labelledby': 'ship-title' }, h('h2', { id: 'ship-title' }, 'Shipments'), shipments(order, redraw))),
    h('section', { class: 'panel', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'What happened'), await timeline(order, notes.data)),
    h('section', { class: 'panel', 'aria-labelledby': 'note-title' }, h('h2', { id: 'note-title' }, 'Staff notes'),
      notes.data.length ? h('ul', { class: 'notes' }, notes.data.map((n) => h('li', {}, n.body, h('span', { class: 'meta' }, `${n.author.name} (${n.author.email}), ${when(n.created_at)}`))))
        : h('p', {}, 'No notes yet.'),
      may('notes') ? noteForm : null));
}
