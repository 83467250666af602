// The outbox: every email on its way, and those delivery gave up on, to retry.
import { api, h, may, say, sayError, show, when } from './admin-core.js';

// ---- Outbox -----------------------------------------------------------------------------

export async function outbox(params = new URLSearchParams()) {
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

