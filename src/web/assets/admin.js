// The admin dashboard (issue 23): the shop's staff at work in a browser, over the same /v1/admin
// API as anyone (the server decides what each role may do; this page only hides what it would
// refuse). Signed in with the HttpOnly session cookie; no token in script reach. Text from the
// API is only ever put into the page as text (`h`).
import { api, ApiError, clearSay, h, may, say, sayError, session } from './admin-core.js';
import { home } from './admin-home.js';
import { orderPage, orders } from './admin-orders.js';
import { audit, customerPage, customers, staff } from './admin-people.js';
import { productPage, products } from './admin-products.js';
import { outbox } from './admin-outbox.js';
import { promotionPage, promotions } from './admin-promotions.js';
import { regionPage, regions } from './admin-settings.js';
import { categories, inventory, ledger } from './admin-stock.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');

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
      clearSay();
      await start();
    } catch (e) { sayError(e); }
  });
  main.replaceChildren(h('h1', { id: 'signin-title' }, 'Sign in to run the shop'), form);
  document.title = 'Sign in · Oxcart admin';
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
  const pages = {
    orders: () => orders(params),
    order: () => orderPage(parts[1]),
    products: () => products(params),
    product: () => productPage(parts[1]),
    categories: () => categories(),
    inventory: () => inventory(params),
    ledger: () => ledger(parts[1]),
    customers: () => customers(params),
    customer: () => customerPage(parts[1]),
    regions: () => regions(),
    region: () => regionPage(parts[1], params),
    promotions: () => promotions(),
    promotion: () => promotionPage(parts[1]),
    outbox: () => outbox(params),
    staff: () => staff(),
    audit: () => audit(params),
  };
  try {
    await (pages[parts[0]] || home)();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signIn();
    sayError(e);
  }
}

async function start() {
  try {
    session.me = await api('GET', '/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signIn();
    throw e;
  }
  if (!session.me.staff_role) return signIn();
  nav.hidden = false;
  document.getElementById('who').textContent = `${session.me.name} · ${session.me.staff_role.replace('_', ' ')}`;
  await route();
}

document.getElementById('signout').addEventListener('click', async () => {
  await api('POST', '/v1/auth/logout').catch(() => {});
  session.me = null;
  signIn();
});
window.addEventListener('hashchange', () => { clearSay(); if (session.me) route(); });
start().catch(sayError);
