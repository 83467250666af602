// The Oxcart demo storefront: hash routes, one view per page, plain DOM.
import { api, ApiError, cartStore, currentCart, h, money, newKey, orderTokens } from './api.js';
import { codeForm, discountList } from './promotions.js';
import { breakdownRows, shippingStep } from './totals.js';

const main = document.getElementById('main');
const flash = document.getElementById('flash');
let me = null;

function say(text, kind = 'ok') {
  flash.className = kind;
  flash.textContent = text;
}

// A page change clears the status line; a move made to say something says it on arrival.
let afterMove = null;
function go(hash, message) {
  if (location.hash === hash) { say(message); route(); return; }
  afterMove = message;
  location.hash = hash;
}

function errorBox(error) {
  const box = h('div', { class: 'error', role: 'alert' }, error.message || String(error));
  for (const e of error.problem?.errors || []) box.append(h('div', {}, `${e.field}: ${e.message}`));
  return box;
}

// Views render after their data arrives. `at` is the page (location.hash) a view was started
// for: if the shopper has gone on to another page meanwhile, the late view must not replace it.
function show(at, title, ...nodes) {
  if (location.hash !== at) return;
  document.title = `${title} · Oxcart Outfitters`;
  main.replaceChildren(...nodes);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function refreshHeader() {
  try { me = await api('GET', '/v1/me'); } catch { me = null; }
  document.getElementById('nav-signin').hidden = !!me;
  document.getElementById('nav-signout').hidden = !me;
  const cart = await currentCart(false).catch(() => null);
  document.getElementById('cart-count').textContent = cart ? cart.item_count : 0;
}

function stockText(available) {
  if (available <= 0) return h('span', { class: 'stock out' }, 'Sold out');
  if (available <= 3) return h('span', { class: 'stock' }, `Only ${available} left`);
  return h('span', { class: 'stock' }, 'In stock');
}

// ---- catalog -------------------------------------------------------------------------------

async function shopPage(params) {
  const at = location.hash;
  const q = params.get('q') || '';
  const category = params.get('category') || '';
  const sort = params.get('sort') || (q ? 'relevance' : 'newest');
  document.getElementById('search').value = q;
  const categories = await api('GET', '/v1/categories?limit=100');
  const apply = (changes) => {
    const next = new URLSearchParams({ q, category, sort, ...changes });
    for (const [k, v] of [...next]) if (!v) next.delete(k);
    location.hash = `#/?${next}`;
  };
  const categorySelect = h('select', { id: 'category', onchange: (e) => apply({ category: e.target.value }) },
    h('option', { value: '' }, 'All categories'),
    categories.data.map((c) => h('option', { value: c.handle, selected: c.handle === category }, c.parent_id ? `— ${c.name}` : c.name)));
  const sorts = [['newest', 'Newest'], ['price_asc', 'Price: low to high'], ['price_desc', 'Price: high to low'], ['title', 'Name']];
  if (q) sorts.unshift(['relevance', 'Best match']);
  const sortSelect = h('select', { id: 'sort', onchange: (e) => apply({ sort: e.target.value }) },
    sorts.map(([value, label]) => h('option', { value, selected: value === sort }, label)));
  const grid = h('ul', { class: 'grid', id: 'products' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'load-more' }, 'Load more');
  const moreBox = h('div', { class: 'more' }, more);
  let cursor = null;
  const load = async () => {
    const query = new URLSearchParams({ limit: '12', sort });
    if (q) query.set('q', q);
    if (category) query.set('category', category);
    if (cursor) query.set('cursor', cursor);
    more.disabled = true;
    const page = await api('GET', `/v1/products?${query}`);
    for (const p of page.data) grid.append(productCard(p));
    cursor = page.next_cursor;
    moreBox.hidden = !cursor;
    more.disabled = false;
    if (!grid.children.length) grid.replaceWith(h('p', { id: 'products' }, q ? `Nothing matches “${q}”.` : 'No products here yet.'));
  };
  more.addEventListener('click', () => load().catch((e) => say(e.message, 'bad')));
  const heading = q ? `Results for “${q}”` : 'Shop';
  show(at, heading, h('h1', {}, heading),
    h('div', { class: 'filters' },
      h('label', { for: 'category' }, 'Category', categorySelect),
      h('label', { for: 'sort' }, 'Sort by', sortSelect)),
    grid, moreBox);
  await load();
}

function productCard(p) {
  const available = p.variants.reduce((sum, v) => sum + v.available, 0);
  const price = p.price_range ? (p.price_range.min.amount === p.price_range.max.amount
    ? money(p.price_range.min) : `from ${money(p.price_range.min)}`) : '';
  return h('li', { class: 'card' },
    h('a', { href: `#/p/${encodeURIComponent(p.handle)}` },
      p.images[0] ? h('img', { src: p.images[0], alt: '', loading: 'lazy', width: 480, height: 480 }) : null,
      h('div', { class: 'body' }, h('h2', {}, p.title), h('span', { class: 'price' }, price), stockText(available))));
}

async function productPage(handle) {
  const at = location.hash;
  const p = await api('GET', `/v1/products/${encodeURIComponent(handle)}`);
  const status = h('div', { id: 'variant-status' });
  const price = h('p', { class: 'price', id: 'variant-price' });
  const quantity = h('input', { id: 'quantity', type: 'number', min: 1, max: 999, value: 1, inputmode: 'numeric' });
  const add = h('button', { type: 'submit', id: 'add-to-cart' }, 'Add to cart');
  const choices = h('fieldset', {}, h('legend', {}, p.variants.length > 1 ? 'Choose an option' : 'Option'));
  let chosen = p.variants.find((v) => v.in_stock) || p.variants[0];
  const update = () => {
    price.textContent = chosen ? money(chosen.price) : '';
    status.replaceChildren(chosen ? stockText(chosen.available) : 'Not available');
    add.disabled = !chosen || !chosen.in_stock;
  };
  for (const v of p.variants) {
    const id = `variant-${v.id}`;
    const input = h('input', { type: 'radio', name: 'variant', id, value: v.id, checked: v === chosen,
      onchange: () => { chosen = v; update(); } });
    choices.append(h('label', { class: 'choice', for: id }, input,
      `${v.title} · ${money(v.price)}${v.in_stock ? '' : ' (sold out)'}`));
  }
  const form = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const cart = await currentCart(true);
      const updated = await api('POST', `/v1/carts/${cart.id}/items`, { variant_id: chosen.id, quantity: Number(quantity.value) });
      document.getElementById('cart-count').textContent = updated.item_count;
      say(`Added ${p.title} (${chosen.title}) to your cart.`);
    } catch (err) {
      say(err.code === 'out_of_stock' ? `Sorry, only ${err.problem.available} of that option left.` : err.message, 'bad');
    }
  } }, choices, h('div', { class: 'row' }, h('label', { for: 'quantity' }, 'Quantity', quantity), add));
  update();
  show(at, p.title, h('article', { class: 'product' },
    p.images[0] ? h('img', { src: p.images[0], alt: p.title, width: 480, height: 480 }) : h('div'),
    h('div', {}, h('p', { class: 'muted' }, p.categories.map((c) => c.name).join(' · ')),
      h('h1', {}, p.title), price, status, h('p', {}, p.description), form)));
}

// ---- cart and checkout ---------------------------------------------------------------------

async function cartPage() {
  const at = location.hash;
  const cart = await currentCart(false);
  if (!cart || !cart.items.length) {
    show(at, 'Cart', h('h1', {}, 'Your cart'), h('p', {}, 'Your cart is empty. ', h('a', { href: '#/' }, 'Find something you like.')));
    return;
  }
  const change = async (item, quantity) => {
    try {
      const path = `/v1/carts/${cart.id}/items/${item.id}`;
      if (quantity === 0) await api('DELETE', path);
      else await api('PATCH', path, { quantity });
      await refreshHeader();
      await cartPage();
    } catch (err) {
      say(err.code === 'out_of_stock' ? `Only ${err.problem.available} of ${item.product_title} available.` : err.message, 'bad');
    }
  };
  const rows = cart.items.map((item) => {
    const qty = h('input', { type: 'number', min: 0, max: 999, value: item.quantity, id: `qty-${item.id}`,
      onchange: (e) => change(item, Number(e.target.value)) });
    return h('tr', {},
      h('td', {}, h('a', { href: `#/p/${encodeURIComponent(item.product_handle)}` }, item.product_title),
        h('div', { class: 'muted' }, item.variant_title), item.purchasable ? null : h('div', { class: 'stock out' }, 'No longer for sale')),
      h('td', { class: 'num hide-small' }, money(item.unit_price)),
      h('td', {}, h('label', { class: 'visually-hidden', for: `qty-${item.id}` }, `Quantity of ${item.product_title}`), qty),
      h('td', { class: 'num' }, money(item.line_total)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => change(item, 0) }, 'Remove')));
  });
  show(at, 'Cart', h('h1', {}, 'Your cart'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num hide-small' }, 'Price'),
      h('th', {}, 'Quantity'), h('th', { class: 'num' }, 'Total'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h('tbody', {}, rows)),
    discountList(cart),
    codeForm(cart, cartPage),
    h('div', { class: 'summary' }, h('span', { class: 'total', id: 'cart-total' }, `Total ${money(cart.total)}`),
      h('a', { class: 'button', href: '#/checkout', id: 'to-checkout' }, 'Checkout')),
    h('p', { class: 'muted' }, cart.region
      ? `Shipping to ${cart.shipping_address.country}: ${cart.shipping_total.amount ? money(cart.shipping_total) : 'free'} shipping, ${cart.tax_included ? 'tax included' : `${money(cart.tax_total)} tax`}.`
      : 'Shipping and tax are worked out at checkout, from your address.'));
}

const PAYMENT_METHODS = [
  ['pm_card_visa', 'Visa ending 4242 (succeeds)'],
  ['pm_card_mastercard', 'Mastercard ending 4444 (succeeds)'],
  ['pm_card_chargeDeclined', 'Test: card declined'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'Test: insufficient funds'],
  ['pm_card_processingError', 'Test: processing error'],
];

async function checkoutPage() {
  const at = location.hash;
  const cart = await currentCart(false);
  if (!cart || !cart.items.length) { location.hash = '#/cart'; return; }
  const field = (name, label, attrs = {}) => {
    const input = h('input', { id: name, name, required: true, ...attrs });
    return h('label', { for: name }, label, input);
  };
  const errors = h('div', { id: 'checkout-errors' });
  const pay = h('button', { type: 'submit', id: 'place-order' }, `Pay ${money(cart.total)}`);
  const summary = h('table', { id: 'order-summary' }, h('tbody', {}, breakdownRows(cart)));
  const priced = (next) => {
    summary.replaceChildren(h('tbody', {}, breakdownRows(next)));
    pay.textContent = `Pay ${money(next.total)}`;
  };
  const form = h('form', { class: 'stack', id: 'checkout-form', novalidate: false, onsubmit: async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {
      email: data.get('email'),
      shipping_address: { name: data.get('name'), line1: data.get('line1'), line2: data.get('line2') || null,
        city: data.get('city'), postal_code: data.get('postal_code'), country: data.get('country'),
        province: data.get('province') || null },
      payment: { provider: 'test', payment_method: data.get('payment_method') },
    };
    pay.disabled = true;
    errors.replaceChildren();
    try {
      const order = await api('POST', `/v1/carts/${cart.id}/checkout`, body, { 'Idempotency-Key': newKey() });
      orderTokens.set(order.id, order.access_token);
      cartStore.clear();
      await refreshHeader();
      location.hash = `#/order/${order.id}`;
    } catch (err) {
      pay.disabled = false;
      if (err.code === 'payment_declined') {
        errors.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'declined' },
          'Your card was declined, and nothing was charged. Your cart is kept: try another payment method.'));
      } else if (err.code === 'out_of_stock') {
        errors.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'sold-out' },
          'Some items sold out while you were checking out. Nothing was charged.',
          ...(err.problem.errors || []).map((x) => h('div', {}, x.message)),
          h('a', { href: '#/cart' }, 'Review your cart')));
      } else if (err.code === 'shipping_option_unavailable' || err.code === 'no_shipping_option') {
        errors.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'shipping-refused' },
          `${err.message} Nothing was charged.`));
      } else {
        errors.replaceChildren(errorBox(err));
      }
      errors.querySelector('[role=alert]')?.focus?.();
    }
  } },
  field('email', 'Email', { type: 'email', autocomplete: 'email', value: me?.email || '' }),
  field('name', 'Full name', { autocomplete: 'name', value: me?.name || '' }),
  field('line1', 'Address', { autocomplete: 'address-line1' }),
  h('label', { for: 'line2' }, 'Address line 2 (optional)', h('input', { id: 'line2', name: 'line2', autocomplete: 'address-line2' })),
  h('div', { class: 'two' }, field('postal_code', 'Postal code', { autocomplete: 'postal-code' }), field('city', 'City', { autocomplete: 'address-level2' })),
  shippingStep(cart, priced),
  summary,
  h('fieldset', {}, h('legend', {}, 'Payment method (test cards)'),
    PAYMENT_METHODS.map(([value, label], i) => h('label', { class: 'choice', for: `pm-${i}` },
      h('input', { type: 'radio', name: 'payment_method', id: `pm-${i}`, value, checked: i === 0 }), label))),
  errors, pay);
  show(at, 'Checkout', h('h1', {}, 'Checkout'), h('p', { class: 'muted' }, `${cart.item_count} items · ${money(cart.total)}`), form);
}

// The confirmation email links here with the order's token (`#/order/ord_…?token=…`).
async function orderPage(id, linkToken) {
  const at = location.hash;
  if (linkToken) orderTokens.set(id, linkToken);
  const token = orderTokens.get(id);
  const order = await api('GET', `/v1/orders/${encodeURIComponent(id)}${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  const a = order.shipping_address;
  show(at, `Order ${order.number}`,
    h('div', { class: 'confirm', id: 'confirmation' }, h('h1', {}, `Thank you! Order ${order.number}`),
      h('p', {}, `Status: ${order.status.replace('_', ' ')}. A confirmation is on its way to ${order.email}.`)),
    h('table', {}, h('tbody', {}, order.items.map((i) => h('tr', {},
      h('td', {}, `${i.quantity} × ${i.title}`, h('div', { class: 'muted' }, `${i.variant_title} · ${i.sku}`)),
      h('td', { class: 'num' }, money(i.line_total))))),
    h('tfoot', { id: 'order-summary' }, breakdownRows(order))),
    h('p', {}, h('strong', {}, 'Shipping to: '), [a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.province, a.country].filter(Boolean).join(', ')),
    order.shipments.filter((s) => s.status !== 'cancelled').map((s, i) => h('p', { class: 'parcel' },
      h('strong', {}, `Parcel ${i + 1} (${s.status}): `), [s.carrier, s.tracking_number].filter(Boolean).join(' · ') || 'no tracking',
      s.tracking_url ? [' · ', h('a', { href: s.tracking_url, rel: 'noopener noreferrer', target: '_blank' }, 'Track it')] : null)));
}

// ---- accounts ------------------------------------------------------------------------------

async function ordersPage() {
  const at = location.hash;
  if (!me) { show(at, 'My orders', h('h1', {}, 'My orders'), h('p', {}, h('a', { href: '#/signin' }, 'Sign in'), ' to see your orders.')); return; }
  const page = await api('GET', '/v1/me/orders?limit=50');
  show(at, 'My orders', h('h1', {}, 'My orders'), page.data.length
    ? h('table', { id: 'my-orders' }, h('tbody', {}, page.data.map((o) => h('tr', {},
      h('td', {}, h('a', { href: `#/order/${o.id}` }, `Order ${o.number}`)),
      h('td', {}, new Date(o.created_at).toLocaleDateString()), h('td', {}, o.status.replace('_', ' ')),
      h('td', { class: 'num' }, money(o.total))))))
    : h('p', {}, 'No orders yet.'));
}

function accountForm(title, fields, submit, footer) {
  const errors = h('div');
  const form = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    errors.replaceChildren();
    try { await submit(new FormData(form)); } catch (err) { errors.replaceChildren(errorBox(err)); }
  } }, fields.map(([name, label, type, auto]) => h('label', { for: name }, label,
    h('input', { id: name, name, type, required: true, autocomplete: auto }))), errors,
  h('button', { type: 'submit' }, title));
  show(location.hash, title, h('h1', {}, title), form, footer || null);
}

function signinPage() {
  accountForm('Sign in', [['email', 'Email', 'email', 'email'], ['password', 'Password', 'password', 'current-password']],
    async (d) => {
      await api('POST', '/v1/auth/login', { email: d.get('email'), password: d.get('password') });
      await refreshHeader();
      go('#/', 'Signed in.');
    },
    h('p', {}, 'New here? ', h('a', { href: '#/signup' }, 'Create an account'), ' · ', h('a', { href: '#/forgot' }, 'Forgot your password?')));
}

function signupPage() {
  accountForm('Create account', [['name', 'Name', 'text', 'name'], ['email', 'Email', 'email', 'email'],
    ['password', 'Password (8 characters or more)', 'password', 'new-password']],
  async (d) => {
    await api('POST', '/v1/auth/register', { name: d.get('name'), email: d.get('email'), password: d.get('password') });
    await refreshHeader();
    go('#/', `Welcome, ${d.get('name')}!`);
  });
}

function forgotPage() {
  accountForm('Send reset link', [['email', 'Email', 'email', 'email']], async (d) => {
    await api('POST', '/v1/auth/password-reset', { email: d.get('email') });
    go('#/signin', 'If an account has that email, a reset link is on its way.');
  });
}

function resetPage(params) {
  accountForm('Set new password', [['password', 'New password (8 characters or more)', 'password', 'new-password']], async (d) => {
    await api('POST', '/v1/auth/password-reset/confirm', { token: params.get('token') || '', password: d.get('password') });
    go('#/signin', 'Password changed. Sign in with your new password.');
  });
}

// ---- routing -------------------------------------------------------------------------------

async function route() {
  const at = location.hash;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts[0] === 'p' && parts[1]) await productPage(decodeURIComponent(parts[1]));
    else if (parts[0] === 'cart') await cartPage();
    else if (parts[0] === 'checkout') await checkoutPage();
    else if (parts[0] === 'order' && parts[1]) await orderPage(parts[1], params.get('token'));
    else if (parts[0] === 'orders') await ordersPage();
    else if (parts[0] === 'signin') signinPage();
    else if (parts[0] === 'signup') signupPage();
    else if (parts[0] === 'forgot') forgotPage();
    else if (parts[0] === 'reset-password') resetPage(params);
    else await shopPage(params);
  } catch (err) {
    show(at, 'Something went wrong', h('h1', {}, err instanceof ApiError && err.status === 404 ? 'Not found' : 'Something went wrong'),
      errorBox(err), h('p', {}, h('a', { href: '#/' }, 'Back to the shop')));
  }
}

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = document.getElementById('search').value.trim();
  location.hash = q ? `#/?q=${encodeURIComponent(q)}` : '#/';
});
document.getElementById('nav-signout').addEventListener('click', async () => {
  await api('POST', '/v1/auth/logout').catch(() => {});
  cartStore.clear();
  await refreshHeader();
  go('#/', 'Signed out.');
});
window.addEventListener('hashchange', () => {
  flash.textContent = '';
  flash.className = '';
  if (afterMove) say(afterMove);
  afterMove = null;
  route();
});
refreshHeader().then(route);
