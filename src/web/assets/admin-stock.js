// Stock and the catalog's shape: inventory levels and adjustments, one variant's ledger (every
// change, with why and by whom), and the category tree.
import { act, api, choose, filters, h, may, say, sayError, show, table, when } from './admin-core.js';
import { everything, tree } from './admin-products.js';

// Add or take away units of a variant, with the reason the ledger keeps.
function adjustForm(variantId, label, redraw) {
  const form = h('form', { class: 'row', 'aria-label': `Adjust ${label}` },
    h('label', {}, 'Units (+/−)', h('input', { name: 'delta', type: 'number', required: true, step: 1 })),
    h('label', {}, 'Reason', h('input', { name: 'reason', required: true, placeholder: 'delivery, count, damage' })),
    h('button', { type: 'submit', class: 'secondary' }, `Adjust ${label}`));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const d = new FormData(form);
    try {
      const after = await api('POST', `/v1/admin/inventory/${encodeURIComponent(variantId)}/adjustments`, { delta: Number(d.get('delta')), reason: d.get('reason') });
      await redraw();
      say(`${label}: ${after.on_hand} on hand, ${after.available} available.`);
    } catch (e) { sayError(e); }
  });
  return form;
}

export async function inventory(params = new URLSearchParams()) {
  const low = params.get('low_stock') || '';
  const query = new URLSearchParams({ limit: '100' });
  if (low) query.set('low_stock', low);
  const page = await api('GET', `/v1/admin/inventory?${query}`);
  const form = filters('inventory', 'Show', h('label', {}, 'At most this many available (empty: all)', h('input', { name: 'low_stock', type: 'number', min: 0, value: low })));
  show('Inventory', form,
    table('inventory', ['Product', 'SKU', 'On hand#', 'Reserved#', 'Available#', ...(may('stock') ? ['Adjust'] : [])], page.data.map((l) => h('tr', {},
      h('td', {}, h('a', { href: `#/product/${encodeURIComponent(l.product_id)}` }, `${l.product_title} — ${l.variant_title}`)),
      h('td', {}, h('a', { href: `#/ledger/${encodeURIComponent(l.variant_id)}`, 'aria-label': `History of ${l.sku}` }, l.sku)),
      h('td', { class: 'num' }, String(l.on_hand)), h('td', { class: 'num' }, String(l.reserved)), h('td', { class: 'num' }, String(l.available)),
      may('stock') ? h('td', {}, adjustForm(l.variant_id, l.sku, () => inventory(params))) : null))),
    page.next_cursor ? h('p', {}, 'Showing the first 100; narrow it with the filter.') : null);
}

const signed = (n) => (n > 0 ? `+${n}` : String(n));

export async function ledger(variantId) {
  const page = await api('GET', `/v1/admin/inventory/${encodeURIComponent(variantId)}/adjustments?limit=100`);
  const last = page.data[0];
  show('Stock history',
    h('p', {}, `Variant ${variantId}`, last ? ` · ${last.on_hand_after} on hand, ${last.reserved_after} reserved` : ''),
    may('stock') ? adjustForm(variantId, 'this variant', () => ledger(variantId)) : null,
    table('ledger', ['When', 'What', 'On hand#', 'Reserved#', 'On hand after#', 'Reserved after#', 'Why', 'Who'], page.data.map((e) => h('tr', {},
      h('td', {}, when(e.created_at)), h('td', {}, e.kind), h('td', { class: 'num' }, signed(e.on_hand_delta)), h('td', { class: 'num' }, signed(e.reserved_delta)),
      h('td', { class: 'num' }, String(e.on_hand_after)), h('td', { class: 'num' }, String(e.reserved_after)), h('td', {}, e.reason), h('td', {}, e.actor)))),
    page.next_cursor ? h('p', {}, 'The latest 100 changes.') : null);
}

export async function categories() {
  const all = tree(await everything('/v1/categories'));
  const redraw = () => categories();
  const parents = (except) => [['', '(top)'], ...all.filter((c) => c.id !== except).map((c) => [c.id, `${'— '.repeat(c.depth)}${c.name}`])];
  const create = h('form', { class: 'panel', 'aria-labelledby': 'new-category-title' },
    h('h2', { id: 'new-category-title' }, 'New category'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100 })),
      h('label', {}, 'Handle (optional)', h('input', { name: 'handle' })),
      choose('Inside', 'parent_id', parents(null), ''),
      h('button', { type: 'submit' }, 'Create category')));
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(create);
    const body = { name: d.get('name') };
    if (d.get('handle')) body.handle = d.get('handle');
    if (d.get('parent_id')) body.parent_id = d.get('parent_id');
    act(() => api('POST', '/v1/admin/categories', body), `${body.name} created.`, redraw);
  });
  const row = (c) => {
    const path = `/v1/admin/categories/${encodeURIComponent(c.id)}`;
    const edit = h('form', { class: 'row', 'aria-label': `Edit ${c.name}` },
      h('input', { name: 'name', value: c.name, required: true, 'aria-label': `Name of ${c.name}` }),
      h('select', { name: 'parent_id', 'aria-label': `Parent of ${c.name}` }, parents(c.id).map(([v, t]) => h('option', { value: v, selected: v === (c.parent_id || '') }, t))),
      h('button', { type: 'submit', class: 'secondary' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        if (window.confirm(`Delete the category ${c.name}?`)) act(() => api('DELETE', path), `${c.name} deleted.`, redraw);
      } }, `Delete ${c.name}`));
    edit.addEventListener('submit', (event) => {
      event.preventDefault();
      const d = new FormData(edit);
      act(() => api('PATCH', path, { name: d.get('name'), parent_id: d.get('parent_id') || null }), 'Saved.', redraw);
    });
    return h('tr', {}, h('td', {}, `${'— '.repeat(c.depth)}${c.name}`), h('td', {}, c.handle),
      h('td', {}, h('a', { href: `#/products?category=${encodeURIComponent(c.id)}` }, `Products in ${c.name}`)), may('edit_catalog') ? h('td', {}, edit) : null);
  };
  show('Categories', may('edit_catalog') ? create : null,
    all.length ? table('categories', ['Category', 'Handle', '', ...(may('edit_catalog') ? ['Change'] : [])], all.map(row)) : h('p', {}, 'No categories yet.'));
}
