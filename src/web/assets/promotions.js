// The cart's promotion codes: a field to enter one, each code with whether it applies (and
// why not), and a way to take it off. The API decides everything; the page shows its answer.
import { api, h, money } from './api.js';

const REASONS = {
  unknown_code: 'This code is not valid.',
  expired: 'This promotion has ended.',
  not_started: 'This promotion has not started yet.',
  minimum_not_met: 'Your cart does not meet this promotion’s minimum yet.',
  usage_limit_reached: 'This code has been used as many times as it may be.',
  not_combinable: 'A better promotion already applies, and this one cannot be combined with it.',
  not_eligible: 'This promotion does not apply to your cart.',
};

export const reasonText = (reason) => REASONS[reason] || 'This code cannot be used.';

// Calls `changed()` after a code was added or removed.
export function codeForm(cart, changed) {
  const input = h('input', { id: 'promotion-code', name: 'code', maxlength: 32, autocomplete: 'off' });
  const note = h('div', { id: 'code-note', role: 'status' });
  const apply = async (event) => {
    event.preventDefault();
    const code = input.value.trim();
    if (!code) return;
    try {
      await api('POST', `/v1/carts/${cart.id}/promotion-codes`, { code });
      await changed();
    } catch (err) {
      const why = err.code === 'promotion_not_applicable' ? reasonText(err.problem.reason)
        : err.code === 'rate_limited' ? 'Too many codes tried. Wait a little and try again.' : err.message;
      note.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'code-refused' }, why));
    }
  };
  const codes = (cart.promotion_codes || []).map((c) => h('li', { class: c.applies ? '' : 'error' },
    h('strong', {}, c.code), c.applies ? ' applied' : ` — ${reasonText(c.reason)}`, ' ',
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      await api('DELETE', `/v1/carts/${cart.id}/promotion-codes/${encodeURIComponent(c.code)}`);
      await changed();
    } }, 'Remove')));
  return h('form', { id: 'promotion-codes', class: 'stack', onsubmit: apply },
    h('label', { for: 'promotion-code' }, 'Promotion code', input),
    h('button', { type: 'submit', class: 'secondary', id: 'apply-code' }, 'Apply'),
    note, codes.length ? h('ul', { id: 'applied-codes' }, codes) : null);
}

// What the cart's promotions take off, one line each; nothing when none applies.
export function discountList(cart) {
  const discounts = cart.discounts || [];
  if (!discounts.length) return '';
  return h('ul', { id: 'cart-discounts', class: 'muted' }, discounts.map((d) =>
    h('li', {}, `${d.code ? `${d.name} (${d.code})` : d.name}: −${money(d.amount)}`)));
}
