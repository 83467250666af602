// Promotions: every kind the API has (a percentage or an amount off products, the order or
// shipping; free shipping; buy X get Y), by code or automatic, with their conditions and
// limits; one promotion's single-use codes and redemptions.
import { act, api, choose, go, h, hundredths, may, money, show, table, when } from './admin-core.js';

export const describe = (p) => {
  const off = p.type === 'percentage' ? `${p.percentage_bps / 100}% off` : p.type === 'fixed' ? `${money(p.amount)} off`
    : p.type === 'free_shipping' ? 'free shipping' : `buy ${p.buy_quantity} get ${p.get_quantity}`;
  return `${off} (${p.class})`;
};

const CLASSES = [['order', 'the order'], ['product', 'products'], ['shipping', 'shipping']];
const TYPES = [['percentage', 'a percentage off'], ['fixed', 'an amount off'], ['free_shipping', 'free shipping'], ['buy_x_get_y', 'buy X get Y']];
// Which fields each kind of promotion takes; the others are hidden.
const NEEDS = { percentage: ['percent'], fixed: ['amount'], free_shipping: [], buy_x_get_y: ['buy', 'get', 'percent'] };
const local = (iso) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '');

function promotionForm() {
  const field = (name, label, attrs = {}) => h('label', { 'data-kind': name }, label, h('input', { name, ...attrs }));
  const form = h('form', { class: 'panel', 'aria-labelledby': 'new-promo-title' },
    h('h2', { id: 'new-promo-title' }, 'New promotion'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100, 'data-field': 'name' })),
      choose('How shoppers get it', 'trigger', [['code', 'with a code'], ['automatic', 'automatically']], 'code'),
      field('code', 'Code', { pattern: '[A-Za-z0-9_\\-]{3,32}', autocomplete: 'off', 'data-field': 'code' }),
      choose('Off', 'class', CLASSES, 'order'), choose('Kind', 'type', TYPES, 'percentage'),
      field('percent', 'Percent off', { type: 'number', min: 1, max: 100, step: 'any' }),
      field('amount', 'Amount off', { inputmode: 'decimal' }),
      field('buy', 'Buy', { type: 'number', min: 1, max: 100, value: 2 }), field('get', 'Get', { type: 'number', min: 1, max: 100, value: 1 })),
    h('div', { class: 'row' },
      h('label', {}, 'Minimum subtotal (optional)', h('input', { name: 'min_subtotal', inputmode: 'decimal' })),
      h('label', {}, 'Uses in all (empty: no limit)', h('input', { name: 'limit', type: 'number', min: 1 })),
      h('label', {}, 'Uses per customer (empty: no limit)', h('input', { name: 'per_customer', type: 'number', min: 1 })),
      choose('Who', 'customers', [['anyone', 'anyone'], ['signed_in', 'signed-in customers'], ['new', 'new customers']], 'anyone'),
      h('label', {}, 'Starts (optional)', h('input', { name: 'starts_at', type: 'datetime-local' })),
      h('label', {}, 'Ends (optional)', h('input', { name: 'ends_at', type: 'datetime-local' }))),
    h('fieldset', {}, h('legend', {}, 'Applies together with other promotions on'),
      CLASSES.map(([value, text]) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'combines_with', value, checked: value !== 'order' }), text))),
    h('p', {}, h('button', { type: 'submit' }, 'Create promotion')));
  const fit = () => {
    const d = new FormData(form);
    for (const el of form.querySelectorAll('[data-kind]')) {
      const kind = el.dataset.kind;
      el.hidden = kind === 'code' ? d.get('trigger') !== 'code' : !NEEDS[d.get('type')].includes(kind);
    }
  };
  form.addEventListener('change', fit);
  fit();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const type = d.get('type');
    const body = { name: d.get('name'), trigger: d.get('trigger'), class: type === 'free_shipping' ? 'shipping' : type === 'buy_x_get_y' ? 'product' : d.get('class'),
      type, customers: d.get('customers'), combines_with: d.getAll('combines_with') };
    if (body.trigger === 'code') body.code = d.get('code');
    if (NEEDS[type].includes('percent') && d.get('percent')) body.percentage_bps = hundredths(d.get('percent'));
    if (type === 'fixed') body.amount = hundredths(d.get('amount'));
    if (type === 'buy_x_get_y') Object.assign(body, { buy_quantity: Number(d.get('buy')), get_quantity: Number(d.get('get')) });
    if (d.get('min_subtotal')) body.min_subtotal = hundredths(d.get('min_subtotal'));
    if (d.get('limit')) body.usage_limit = Number(d.get('limit'));
    if (d.get('per_customer')) body.per_customer_limit = Number(d.get('per_customer'));
    for (const key of ['starts_at', 'ends_at']) if (d.get(key)) body[key] = new Date(d.get(key)).toISOString();
    act(() => api('POST', '/v1/admin/promotions', body), `Promotion ${body.name} created.`, promotions);
  });
  return form;
}

function toggle(p, redraw) {
  return h('button', { type: 'button', class: 'secondary', onclick: () => {
    if (p.enabled && !window.confirm(`Disable ${p.name}? Carts stop getting it at once.`)) return;
    act(() => api('PATCH', `/v1/admin/promotions/${encodeURIComponent(p.id)}`, { enabled: !p.enabled }), `${p.name} ${p.enabled ? 'disabled' : 'enabled'}.`, redraw);
  } }, `${p.enabled ? 'Disable' : 'Enable'} ${p.name}`);
}

export async function promotions() {
  const page = await api('GET', '/v1/admin/promotions?limit=100');
  show('Promotions', may('promote') ? promotionForm() : null,
    table('promotions', ['Name', 'How', 'Discount', 'Used#', 'Held#', 'Left#', 'Status', ''], page.data.map((p) => h('tr', {},
      h('td', {}, h('a', { href: `#/promotion/${encodeURIComponent(p.id)}` }, p.name)), h('td', {}, p.trigger === 'code' ? (p.code ? `code ${p.code}` : `${p.codes_count} single-use codes`) : 'automatic'),
      h('td', {}, describe(p)), h('td', { class: 'num' }, String(p.usage.used)), h('td', { class: 'num' }, String(p.usage.held)),
      h('td', { class: 'num' }, p.usage.remaining === null ? '∞' : String(p.usage.remaining)),
      h('td', {}, p.enabled ? 'enabled' : 'disabled'), h('td', {}, may('promote') ? toggle(p, promotions) : '')))));
}

export async function promotionPage(id) {
  const path = `/v1/admin/promotions/${encodeURIComponent(id)}`;
  const [p, codes, redemptions] = await Promise.all([api('GET', path), api('GET', `${path}/codes?limit=100`), api('GET', `${path}/redemptions?limit=50`)]);
  const redraw = () => promotionPage(id);
  const edit = h('form', { class: 'panel', 'aria-label': 'Change the promotion' }, h('fieldset', { disabled: !may('promote') },
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, value: p.name })),
      h('label', {}, 'Uses in all (empty: no limit)', h('input', { name: 'limit', type: 'number', min: 1, value: p.usage_limit ?? '' })),
      h('label', {}, 'Uses per customer (empty: no limit)', h('input', { name: 'per_customer', type: 'number', min: 1, value: p.per_customer_limit ?? '' })),
      h('label', {}, 'Starts', h('input', { name: 'starts_at', type: 'datetime-local', value: local(p.starts_at) })),
      h('label', {}, 'Ends', h('input', { name: 'ends_at', type: 'datetime-local', value: local(p.ends_at) })),
      h('button', { type: 'submit' }, 'Save promotion'))));
  edit.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(edit);
    const when = (key) => (d.get(key) ? new Date(d.get(key)).toISOString() : null);
    act(() => api('PATCH', path, { name: d.get('name'), usage_limit: d.get('limit') ? Number(d.get('limit')) : null,
      per_customer_limit: d.get('per_customer') ? Number(d.get('per_customer')) : null, starts_at: when('starts_at'), ends_at: when('ends_at') }), 'Saved.', redraw);
  });
  const generate = h('form', { class: 'row', 'aria-label': 'Make single-use codes' },
    h('label', {}, 'How many single-use codes', h('input', { name: 'count', type: 'number', min: 1, max: 1000, required: true, value: 10 })),
    h('label', {}, 'Prefix (optional)', h('input', { name: 'prefix', maxlength: 16 })),
    h('button', { type: 'submit', class: 'secondary' }, 'Make codes'));
  generate.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(generate);
    const body = { count: Number(d.get('count')) };
    if (d.get('prefix')) body.prefix = d.get('prefix');
    act(() => api('POST', `${path}/codes`, body), `${body.count} codes made.`, redraw);
  });
  const remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
    if (window.confirm(`Delete ${p.name} and its codes? (A promotion already used can only be disabled.)`)) act(() => api('DELETE', path), null, () => go('#/promotions', `${p.name} deleted.`));
  } }, `Delete ${p.name}`);
  show(p.name, h('p', {}, `${describe(p)} · ${p.trigger === 'code' ? 'by code' : 'automatic'} · ${p.enabled ? 'enabled' : 'disabled'} · used ${p.usage.used}, held ${p.usage.held}, left ${p.usage.remaining ?? '∞'}`),
    may('promote') ? h('p', { class: 'actions' }, toggle(p, redraw), remove) : null, edit,
    p.trigger === 'code' ? h('section', { class: 'panel', 'aria-labelledby': 'codes-title' }, h('h2', { id: 'codes-title' }, 'Codes'),
      may('promote') ? generate : null,
      codes.data.length ? table('codes', ['Code', 'Uses', 'Made'], codes.data.map((c) => h('tr', {}, h('td', {}, c.code),
        h('td', {}, c.usage_limit === 1 ? `single-use (${c.usage.used ? 'used' : c.usage.held ? 'held' : 'free'})` : 'shared'), h('td', {}, when(c.created_at))))) : h('p', {}, 'No codes.')) : null,
    h('section', { class: 'panel', 'aria-labelledby': 'redemptions-title' }, h('h2', { id: 'redemptions-title' }, 'Latest redemptions'),
      redemptions.data.length ? table('redemptions', ['When', 'Order', 'Code', 'Who', 'Status', 'Took off#'], redemptions.data.map((r) => h('tr', {},
        h('td', {}, when(r.created_at)), h('td', {}, h('a', { href: `#/order/${encodeURIComponent(r.order_id)}` }, 'order')), h('td', {}, r.code || ''),
        h('td', {}, r.customer_id ? h('a', { href: `#/customer/${encodeURIComponent(r.customer_id)}` }, 'customer') : r.guest_email || ''),
        h('td', {}, r.status), h('td', { class: 'num' }, money(r.amount))))) : h('p', {}, 'Not used yet.')));
}
