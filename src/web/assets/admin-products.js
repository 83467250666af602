// The catalog: products (search, filter, pages), and one product in an editor with its
// pictures, categories, options and variants (price, weight, tax class, shipping, stock).
import { act, api, choose, decimal, filters, go, h, hundredths, may, money, say, sayError, show, table, upload, when, words } from './admin-core.js';

// Every page of a list (categories: a shop has tens, not thousands).
export async function everything(path) {
  const all = [];
  let cursor = null;
  do {
    const page = await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

// Categories in tree order, each with its depth, for lists and choices.
export function tree(categories) {
  const children = (parent) => categories.filter((c) => (c.parent_id || null) === parent).sort((a, b) => a.name.localeCompare(b.name));
  const out = [];
  const walk = (parent, depth) => { for (const c of children(parent)) { out.push({ ...c, depth }); walk(c.id, depth + 1); } };
  walk(null, 0);
  return out;
}

const STATUSES = ['draft', 'published', 'archived'];

export async function products(params = new URLSearchParams()) {
  const query = new URLSearchParams({ limit: '20' });
  for (const key of ['q', 'status', 'category']) if (params.get(key)) query.set(key, params.get(key));
  const categories = tree(await everything('/v1/categories'));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More products');
  const load = async (cursor) => {
    if (cursor) query.set('cursor', cursor);
    const page = await api('GET', `/v1/admin/products?${query}`);
    body.append(...page.data.map((p) => h('tr', {},
      h('td', {}, p.images[0] ? h('img', { class: 'thumb', src: p.images[0], alt: '' }) : ''),
      h('td', {}, h('a', { href: `#/product/${encodeURIComponent(p.id)}` }, p.title)),
      h('td', {}, h('span', { class: `status ${p.status}` }, p.status)),
      h('td', { class: 'num' }, String(p.variants.length)),
      h('td', { class: 'num' }, p.price_range ? (p.price_range.min.amount === p.price_range.max.amount ? money(p.price_range.min) : `${money(p.price_range.min)}–${money(p.price_range.max)}`) : ''),
      h('td', { class: 'num' }, String(p.variants.reduce((n, v) => n + v.available, 0))),
      h('td', {}, when(p.updated_at)))));
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 7 }, 'No products match.')));
    more.hidden = !page.next_cursor;
    more.onclick = () => load(page.next_cursor).catch(sayError);
  };
  const form = filters('products', 'Find',
    h('label', {}, 'Search', h('input', { name: 'q', type: 'search', value: params.get('q') || '' })),
    choose('Status', 'status', [['', 'any'], ...STATUSES.map((s) => [s, s])], params.get('status') || ''),
    choose('Category', 'category', [['', 'any'], ...categories.map((c) => [c.id, `${'— '.repeat(c.depth)}${c.name}`])], params.get('category') || ''));
  show('Products', may('edit_catalog') ? h('p', {}, h('a', { class: 'button', href: '#/product/new' }, 'New product')) : null, form,
    table('products', ['', 'Product', 'Status', 'Variants#', 'Price#', 'Available#', 'Updated'], body),
    h('p', { class: 'more' }, more));
  await load();
}

// A variant as the editor holds it: what the inputs show, and the variant it came from.
const editable = (v) => ({
  id: v.id, sku: v.sku, title: v.title, options: { ...v.options }, price: decimal(v.price.amount),
  weight: v.weight, tax_class: v.tax_class, requires_shipping: v.requires_shipping, stock: v.on_hand ?? 0, original: v,
});
const blank = () => ({ sku: '', title: '', options: {}, price: '', weight: 0, tax_class: 'standard', requires_shipping: true, stock: 0 });

// What the API takes for a variant: `price` in minor units; `stock` only for a new one.
function variantBody(row, names) {
  const body = { sku: row.sku.trim(), title: row.title.trim(), price: hundredths(row.price),
    weight: Number(row.weight) || 0, tax_class: row.tax_class, requires_shipping: row.requires_shipping,
    options: Object.fromEntries(names.map((n) => [n, (row.options[n] || '').trim()]).filter(([, v]) => v)) };
  if (!row.id) body.stock = Number(row.stock) || 0;
  return body;
}

// The fields of a variant that changed since it was read.
function changed(row, names) {
  const now = variantBody(row, names);
  const was = row.original;
  const out = {};
  if (now.sku !== was.sku) out.sku = now.sku;
  if (now.title !== was.title) out.title = now.title;
  if (now.price !== was.price.amount) out.price = now.price;
  if (now.weight !== was.weight) out.weight = now.weight;
  if (now.tax_class !== was.tax_class) out.tax_class = now.tax_class;
  if (now.requires_shipping !== was.requires_shipping) out.requires_shipping = now.requires_shipping;
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  if (sorted(now.options) !== sorted(was.options)) out.options = now.options;
  return out;
}

// A picture's address as the API takes it back: a path on this server where it is one.
const stored = (url) => (url.startsWith(location.origin) ? url.slice(location.origin.length) : url);

export async function productPage(id) {
  const isNew = id === 'new';
  const path = `/v1/admin/products/${encodeURIComponent(id)}`;
  const [product, categories, classes] = await Promise.all([
    isNew ? null : api('GET', path), everything('/v1/categories').then(tree), api('GET', '/v1/admin/tax-classes')]);
  const p = product || { title: '', handle: '', description: '', status: 'draft', images: [], category_ids: [], variants: [] };
  const rows = p.variants.length ? p.variants.map(editable) : [blank()];
  const images = p.images.map(stored);
  let names = [...new Set(p.variants.flatMap((v) => Object.keys(v.options)))];
  const editing = may('edit_catalog');

  const gallery = h('ul', { class: 'gallery', 'aria-label': 'Pictures' });
  const drawGallery = () => gallery.replaceChildren(...images.map((url, i) => h('li', {},
    h('img', { src: url, alt: `Picture ${i + 1}` }),
    h('button', { type: 'button', class: 'link', onclick: () => { images.splice(i, 1); drawGallery(); } }, `Remove picture ${i + 1}`),
    i > 0 ? h('button', { type: 'button', class: 'link', onclick: () => { images.splice(i - 1, 0, images.splice(i, 1)[0]); drawGallery(); } }, 'Move earlier') : null)));
  drawGallery();
  const picker = h('input', { type: 'file', id: 'picture-file', accept: 'image/png,image/jpeg,image/gif,image/webp', multiple: true });
  picker.addEventListener('change', async () => {
    try {
      for (const file of picker.files) images.push((await upload(file)).url);
      say(`${picker.files.length} picture(s) uploaded; save to keep them on the product.`);
      drawGallery();
    } catch (e) { sayError(e); }
    picker.value = '';
  });

  const variantsBody = h('tbody');
  const input = (row, key, attrs = {}) => {
    const el = h('input', { value: row[key], ...attrs });
    el.addEventListener('input', () => { row[key] = attrs.type === 'checkbox' ? el.checked : el.value; });
    return el;
  };
  const drawVariants = () => variantsBody.replaceChildren(...rows.map((row, i) => {
    const label = (what) => `${what} of variant ${i + 1}`;
    const tax = h('select', { 'aria-label': label('Tax class') }, classes.data.map((c) => h('option', { value: c.code, selected: c.code === row.tax_class }, c.name)));
    tax.addEventListener('change', () => { row.tax_class = tax.value; });
    const ships = h('input', { type: 'checkbox', checked: row.requires_shipping, 'aria-label': label('Needs shipping') });
    ships.addEventListener('change', () => { row.requires_shipping = ships.checked; });
    const options = names.map((n) => {
      const el = h('input', { value: row.options[n] || '', 'aria-label': label(n), size: 8 });
      el.addEventListener('input', () => { row.options[n] = el.value; });
      return h('td', {}, el);
    });
    return h('tr', {},
      h('td', {}, input(row, 'sku', { 'aria-label': label('SKU'), required: true, size: 10, 'data-field': `variants[${i}].sku` })),
      h('td', {}, input(row, 'title', { 'aria-label': label('Title'), size: 10 })), ...options,
      h('td', { class: 'num' }, input(row, 'price', { 'aria-label': label('Price'), inputmode: 'decimal', required: true, size: 7, 'data-field': `variants[${i}].price` })),
      h('td', { class: 'num' }, input(row, 'weight', { 'aria-label': label('Weight in grams'), type: 'number', min: 0 })),
      h('td', {}, tax), h('td', {}, ships),
      h('td', { class: 'num' }, row.id ? h('a', { href: `#/ledger/${encodeURIComponent(row.id)}` }, String(row.stock))
        : input(row, 'stock', { 'aria-label': label('Opening stock'), type: 'number', min: 0 })));
  }));
  const variantsHead = h('thead');
  const drawHead = () => variantsHead.replaceChildren(h('tr', {}, ['SKU', 'Title', ...names].map((t) => h('th', { scope: 'col' }, t)),
    ['Price', 'Weight (g)'].map((t) => h('th', { scope: 'col', class: 'num' }, t)), h('th', { scope: 'col' }, 'Tax class'),
    h('th', { scope: 'col' }, 'Ships'), h('th', { scope: 'col', class: 'num' }, 'Stock')));
  const optionNames = h('input', { id: 'option-names', value: names.join(', '), placeholder: 'size, color' });
  optionNames.addEventListener('change', () => {
    names = [...new Set(optionNames.value.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean))];
    drawHead(); drawVariants();
  });
  drawHead(); drawVariants();

  const field = (label, el) => h('label', {}, label, el);
  const form = h('form', { class: 'editor', 'aria-label': 'Product' },
    h('fieldset', { disabled: !editing },
      h('div', { class: 'panel' },
        field('Title', h('input', { name: 'title', required: true, maxlength: 200, value: p.title, 'data-field': 'title' })),
        h('div', { class: 'row' },
          field('Handle (the address; made from the title when empty)', h('input', { name: 'handle', value: p.handle, 'data-field': 'handle' })),
          choose('Status', 'status', STATUSES.map((s) => [s, s]), p.status)),
        field('Description', h('textarea', { name: 'description', maxlength: 10000, 'data-field': 'description' }, p.description))),
      h('section', { class: 'panel', 'aria-labelledby': 'pictures-title' }, h('h2', { id: 'pictures-title' }, 'Pictures'), gallery,
        h('label', { for: 'picture-file' }, 'Add pictures (PNG, JPEG, GIF or WebP)'), picker),
      h('fieldset', { class: 'panel' }, h('legend', {}, 'Categories'), categories.length ? categories.map((c) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'category_ids', value: c.id, checked: p.category_ids.includes(c.id) }), `${'— '.repeat(c.depth)}${c.name}`))
        : h('p', {}, 'No categories yet.')),
      h('section', { class: 'panel', 'aria-labelledby': 'variants-title' }, h('h2', { id: 'variants-title' }, 'Variants'),
        field('Options (names, separated by commas)', optionNames),
        h('div', { class: 'table-wrap' }, h('table', { id: 'variants' }, variantsHead, variantsBody)),
        h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => { rows.push(blank()); drawVariants(); } }, 'Add variant'),
          ' Prices are in the shop\'s currency; stock of a saved variant changes through its ledger (adjust it there).')),
      h('p', { class: 'actions' }, h('button', { type: 'submit' }, isNew ? 'Create product' : 'Save product'),
        !isNew ? h('button', { type: 'button', class: 'secondary', onclick: () => {
          if (window.confirm(`Archive ${p.title}? Shoppers no longer see it; orders keep it.`)) act(() => api('DELETE', path), 'Archived.', () => productPage(id));
        } }, 'Archive') : null)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const fields = { title: d.get('title'), description: d.get('description'), status: d.get('status'), images, category_ids: d.getAll('category_ids') };
    if (d.get('handle')) fields.handle = d.get('handle');
    try {
      if (isNew) {
        const made = await api('POST', '/v1/admin/products', { ...fields, variants: rows.map((r) => variantBody(r, names)) });
        go(`#/product/${encodeURIComponent(made.id)}`, `${made.title} created.`);
        return;
      }
      await api('PATCH', path, fields);
      for (const row of rows) {
        if (!row.id) await api('POST', `${path}/variants`, variantBody(row, names));
        else if (Object.keys(changed(row, names)).length) await api('PATCH', `/v1/admin/variants/${encodeURIComponent(row.id)}`, changed(row, names));
      }
      await productPage(id);
      say('Saved.');
    } catch (e) { sayError(e); }
  });
  show(isNew ? 'New product' : p.title, product ? h('p', {}, h('span', { class: `status ${p.status}` }, words(p.status)),
    ` · ${p.handle} · updated ${when(p.updated_at)} · `, p.status === 'published' ? h('a', { href: `/#/p/${encodeURIComponent(p.handle)}` }, 'See it in the shop') : 'not in the shop') : null, form);
}
