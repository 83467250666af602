// The home page: sales, a chart of the last 30 days, and what needs doing.
import { api, h, money, may, show } from './admin-core.js';
import { orders } from './admin-orders.js';

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

export async function home() {
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

