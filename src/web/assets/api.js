// Talking to the Oxcart API, as any third-party storefront would: only the public /v1 routes.
// The session is the HttpOnly cookie set by sign-in, so no token is ever kept in script reach.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }
  get code() { return this.problem.code; }
}

export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (body instanceof Blob) {
    // A file (an uploaded picture) goes as it is, with its own type.
    init.headers['content-type'] = body.type || 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export function money(m) {
  if (!m) return '';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: m.currency.toUpperCase() })
    .format(m.amount / 100);
}

// Building DOM nodes instead of HTML strings: text from the API can never become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const CART_KEY = 'oxcart.cart';
const TOKENS_KEY = 'oxcart.orders';

export const cartStore = {
  id: () => localStorage.getItem(CART_KEY),
  set: (id) => localStorage.setItem(CART_KEY, id),
  clear: () => localStorage.removeItem(CART_KEY),
};

// Order access tokens from checkout, so a guest can come back to the confirmation.
export const orderTokens = {
  get: (id) => JSON.parse(localStorage.getItem(TOKENS_KEY) || '{}')[id],
  set: (id, token) => {
    const all = JSON.parse(localStorage.getItem(TOKENS_KEY) || '{}');
    all[id] = token;
    localStorage.setItem(TOKENS_KEY, JSON.stringify(all));
  },
};

/// The open cart, created on first use. A cart that is gone or not ours (signed out) is replaced.
export async function currentCart(create = false) {
  const id = cartStore.id();
  if (id) {
    try {
      const cart = await api('GET', `/v1/carts/${encodeURIComponent(id)}`);
      if (cart.status === 'open' && !cart.order_id) return cart;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
    cartStore.clear();
  }
  if (!create) return null;
  const cart = await api('POST', '/v1/carts');
  cartStore.set(cart.id);
  return cart;
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
