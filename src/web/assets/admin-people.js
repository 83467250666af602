// The people: customers and their orders; staff, their roles, and what they did (the audit
// log, owners only).
import { api, h, say, sayError, show, when } from './admin-core.js';
import { orderRows } from './admin-orders.js';

// ---- Customers --------------------------------------------------------------------------

export async function customers(params = new URLSearchParams()) {
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

export async function customerPage(id) {
  const [c, orders] = await Promise.all([api('GET', `/v1/admin/customers/${encodeURIComponent(id)}`),
    api('GET', `/v1/admin/orders?limit=50&customer_id=${encodeURIComponent(id)}`)]);
  show(c.name, h('p', {}, `${c.email} · customer since ${when(c.created_at)}${c.staff_role ? ` · staff (${c.staff_role.replace('_', ' ')})` : ''}`),
    h('section', { class: 'panel', 'aria-labelledby': 'their-orders' }, h('h2', { id: 'their-orders' }, 'Orders'),
      orders.data.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'customer-orders' },
        h('thead', {}, h('tr', {}, ['Order', 'Placed', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
        h('tbody', {}, orderRows(orders.data)))) : h('p', {}, 'No orders while signed in (guest orders are found by email on Orders).')));
}

// ---- Staff ------------------------------------------------------------------------------

const ROLES = ['owner', 'manager', 'fulfilment', 'support', 'read_only'];

export async function staff() {
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

export async function audit(params = new URLSearchParams()) {
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

