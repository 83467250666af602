// What an order comes to, as the cart and the confirmation show it, and the checkout's
// "where and how it ships" step. Amounts come from the API (cart or order): nothing is
// computed here, so the page shows exactly what checkout charges.
import { api, h, money } from './api.js';

const percent = (bps) => `${(bps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

// Subtotal, each promotion, shipping, each tax rate (summed over the lines and the shipping) and
// the total, as table rows. `x` is a cart or an order; its shipping is `shipping_option`.
export function breakdownRows(x) {
  const rows = [['Subtotal', money(x.subtotal)]];
  // One row per promotion, as the API names it; an order from before promotions has none.
  for (const d of x.discounts || []) rows.push([d.code ? `${d.name} (${d.code})` : d.name, `−${money(d.amount)}`]);
  if (x.discount_total?.amount && !(x.discounts || []).length) rows.push(['Discount', `−${money(x.discount_total)}`]);
  const ship = x.shipping_option;
  if (ship && ship.available !== false) {
    rows.push([`Shipping · ${ship.name}`, ship.amount.amount ? money(ship.amount) : 'Free']);
  }
  const taxes = new Map();
  for (const line of [...x.items.flatMap((i) => i.tax_lines || []), ...(ship?.tax_lines || [])]) {
    const key = `${line.name} ${percent(line.rate_bps)}`;
    taxes.set(key, (taxes.get(key) || 0) + line.amount.amount);
  }
  for (const [label, amount] of taxes) {
    const value = money({ amount, currency: x.currency });
    rows.push([x.tax_included ? `Includes ${label}` : label, x.tax_included ? `(${value})` : value]);
  }
  return [...rows.map(([label, value]) => h('tr', {}, h('td', {}, label), h('td', { class: 'num' }, value))),
    h('tr', { class: 'grand' }, h('th', {}, 'Total'), h('th', { class: 'num', id: 'summary-total' }, money(x.total)))];
}

// The checkout's shipping step: the country and province pick the region (and so the tax and
// the options), then the shopper picks an option. Calls `changed(cart)` with the cart as
// priced after every change.
export function shippingStep(cart, changed) {
  const country = h('input', { id: 'country', name: 'country', required: true, maxlength: 2, autocomplete: 'country',
    value: cart.shipping_address?.country || 'US' });
  const province = h('input', { id: 'province', name: 'province', maxlength: 3, autocomplete: 'address-level1',
    value: cart.shipping_address?.province || '' });
  const options = h('fieldset', { id: 'shipping-options' }, h('legend', {}, 'Shipping'));
  const note = h('div', { id: 'shipping-note', role: 'status' });
  let current = cart;
  const showOptions = async () => {
    const list = (await api('GET', `/v1/carts/${cart.id}/shipping-options`)).data;
    const chosen = current.shipping_option;
    options.replaceChildren(h('legend', {}, 'Shipping'));
    options.hidden = !current.requires_shipping;
    if (chosen && !chosen.available) {
      options.append(h('div', { class: 'error', id: 'option-unavailable' },
        `${chosen.name || 'The option you chose'} can no longer take this order (${chosen.unavailable_reason.replaceAll('_', ' ')}). Choose another.`));
    }
    if (current.requires_shipping && !list.length) options.append(h('p', {}, 'No shipping option can take this order to that address.'));
    list.forEach((o, i) => {
      const id = `ship-${i}`;
      const input = h('input', { type: 'radio', name: 'shipping_option', id, value: o.id, checked: o.selected,
        onchange: () => update(() => api('PUT', `/v1/carts/${cart.id}/shipping-option`, { shipping_option_id: o.id })) });
      const free = o.free_over ? ` · free from ${money(o.free_over)}` : '';
      options.append(h('label', { class: 'choice', for: id }, input, `${o.name} · ${o.amount.amount ? money(o.amount) : 'Free'}${free}`));
    });
  };
  // Changes go to the server one at a time, in the order made: leaving the country field for
  // the province sends the country alone, then the province; run side by side, the first could
  // land (or answer) last and leave the cart priced for the address without its province.
  let queue = Promise.resolve();
  const update = (request) => {
    queue = queue.then(async () => {
      note.replaceChildren();
      try {
        current = await request();
        await showOptions();
        changed(current);
      } catch (err) {
        const field = err.problem?.errors?.[0]?.field;
        note.replaceChildren(h('div', { class: 'error', role: 'alert' }, field === 'province'
          ? 'Enter the state or province (for example CA): the shop ships only to some of this country.'
          : field === 'country' ? 'Sorry, the shop does not ship there.' : err.message));
      }
    });
    return queue;
  };
  const placeAddress = () => {
    if (!/^[A-Za-z]{2}$/.test(country.value.trim())) return;
    const body = { country: country.value.trim(), province: province.value.trim() || null };
    update(() => api('PUT', `/v1/carts/${cart.id}/shipping-address`, body));
  };
  country.addEventListener('change', placeAddress);
  province.addEventListener('change', placeAddress);
  placeAddress();
  return h('div', { class: 'stack' },
    h('div', { class: 'two' },
      h('label', { for: 'country' }, 'Country (two letters, e.g. US, DE)', country),
      h('label', { for: 'province' }, 'State or province (e.g. CA; where needed)', province)),
    note, options);
}
