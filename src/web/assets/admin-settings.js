// How the shop sells where: regions (their countries, tax mode and rates), each region's
// shipping options, and the tax classes products are taxed by. Owners change them; managers
// and read-only staff see them.
import { act, api, choose, decimal, go, h, hundredths, may, money, show, table } from './admin-core.js';


// `DE, FR, US:CA NY, *` ⇄ the API's countries (a country, or some of its provinces).
const countriesText = (list) => list.map((c) => (c.provinces ? `${c.code}:${c.provinces.join(' ')}` : c.code)).join(', ');
const parseCountries = (text) => text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
  const [code, provinces] = s.split(':');
  const out = { code: code.trim().toUpperCase() };
  if (provinces && provinces.trim()) out.provinces = provinces.trim().split(/\s+/).map((p) => p.toUpperCase());
  return out;
});

const TAX_MODES = [['exclusive', 'prices exclude tax (added at checkout)'], ['inclusive', 'prices include tax']];

export async function regions() {
  const [page, classes] = await Promise.all([api('GET', '/v1/admin/regions?limit=100'), api('GET', '/v1/admin/tax-classes')]);
  const editing = may('settings');
  const create = h('form', { class: 'panel', 'aria-labelledby': 'new-region-title' },
    h('h2', { id: 'new-region-title' }, 'New region'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'European Union' })),
      h('label', {}, 'Countries (ISO codes; US:CA NY for provinces; * for the rest of the world)', h('input', { name: 'countries', required: true, 'data-field': 'countries' })),
      choose('Tax', 'tax_mode', TAX_MODES, 'exclusive'),
      h('label', {}, 'Standard tax rate (%)', h('input', { name: 'rate', inputmode: 'decimal', placeholder: '19' })),
      h('button', { type: 'submit' }, 'Create region')));
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(create);
    const body = { name: d.get('name'), countries: parseCountries(d.get('countries')), tax_mode: d.get('tax_mode') };
    if (d.get('rate')) body.tax_rates = [{ tax_class: 'standard', name: 'Tax', rate_bps: hundredths(d.get('rate')) }];
    act(() => api('POST', '/v1/admin/regions', body), `${body.name} created.`, regions);
  });
  const newClass = h('form', { class: 'row', 'aria-label': 'New tax class' },
    h('label', {}, 'Code', h('input', { name: 'code', required: true, pattern: '[a-z0-9_\\-]{1,40}' })),
    h('label', {}, 'Name', h('input', { name: 'name', required: true })),
    h('button', { type: 'submit', class: 'secondary' }, 'Add tax class'));
  newClass.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(newClass);
    act(() => api('POST', '/v1/admin/tax-classes', { code: d.get('code'), name: d.get('name') }), `Tax class ${d.get('code')} added.`, regions);
  });
  show('Regions and taxes', editing ? create : null,
    page.data.length ? table('regions', ['Region', 'Countries', 'Tax', 'Rates'], page.data.map((r) => h('tr', {},
      h('td', {}, h('a', { href: `#/region/${encodeURIComponent(r.id)}` }, r.name)), h('td', {}, countriesText(r.countries)),
      h('td', {}, r.tax_mode), h('td', {}, r.tax_rates.map((t) => `${t.name} ${t.rate_bps / 100}% (${t.tax_class}${t.province ? `, ${t.province}` : ''})`).join('; ') || 'none'))))
      : h('p', {}, 'No regions yet: nothing can be shipped until there is one.'),
    h('section', { class: 'panel', 'aria-labelledby': 'classes-title' }, h('h2', { id: 'classes-title' }, 'Tax classes'),
      h('p', {}, classes.data.map((c) => `${c.name} (${c.code})`).join(', ')), editing ? newClass : null));
}

// One shipping option's form: a new one, or the one being changed.
function optionForm(region, classes, option, redraw) {
  const o = option || { name: '', price_type: 'flat', amount: null, tiers: null, free_over: null, tax_class: 'standard', enabled: true, position: 0 };
  const perWeight = o.price_type === 'weight_tiers';
  const tiers = (o.tiers || []).map((t) => `${t.up_to === null || t.up_to === undefined ? '' : perWeight ? t.up_to : decimal(t.up_to)} ${decimal(t.amount.amount)}`.trim()).join('\n');
  const form = h('form', { class: 'panel', 'aria-labelledby': 'option-form-title' },
    h('h2', { id: 'option-form-title' }, option ? `Change ${o.name}` : 'New shipping option'),
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100, value: o.name })),
      choose('Price', 'price_type', [['flat', 'one price'], ['subtotal_tiers', 'by order subtotal'], ['weight_tiers', 'by weight (grams)']], o.price_type),
      h('label', {}, 'Price (one price)', h('input', { name: 'amount', inputmode: 'decimal', value: o.amount ? decimal(o.amount.amount) : '' })),
      h('label', {}, 'Free over (optional)', h('input', { name: 'free_over', inputmode: 'decimal', value: o.free_over ? decimal(o.free_over.amount) : '' })),
      choose('Tax class', 'tax_class', classes.data.map((c) => [c.code, c.name]), o.tax_class),
      h('label', {}, 'Position', h('input', { name: 'position', type: 'number', min: 0, value: o.position }))),
    h('label', {}, 'Tiers (one per line: up to, then the price; the last may leave out "up to")',
      h('textarea', { name: 'tiers', placeholder: '50.00 4.90\n9.90' }, tiers)),
    h('p', {}, h('button', { type: 'submit' }, option ? 'Save option' : 'Add option')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const type = d.get('price_type');
    const body = { name: d.get('name'), price_type: type, tax_class: d.get('tax_class'), position: Number(d.get('position')) || 0 };
    if (type === 'flat') body.amount = hundredths(d.get('amount'));
    else {
      body.tiers = d.get('tiers').split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p[0]).map((p) => (p.length > 1
        ? { up_to: type === 'weight_tiers' ? Number(p[0]) : hundredths(p[0]), amount: hundredths(p[1]) } : { amount: hundredths(p[0]) }));
    }
    body.free_over = d.get('free_over') ? hundredths(d.get('free_over')) : null;
    if (!option && body.free_over === null) delete body.free_over;
    const work = option ? () => api('PATCH', `/v1/admin/shipping-options/${encodeURIComponent(option.id)}`, body)
      : () => api('POST', `/v1/admin/regions/${encodeURIComponent(region.id)}/shipping-options`, body);
    act(work, option ? `${body.name} saved.` : `${body.name} added.`, redraw);
  });
  return form;
}

const priceOf = (o) => (o.price_type === 'flat' ? money(o.amount)
  : o.tiers.map((t) => `${t.up_to === null ? 'above' : `≤ ${o.price_type === 'weight_tiers' ? `${t.up_to} g` : money({ amount: t.up_to, currency: t.amount.currency })}`}: ${money(t.amount)}`).join(', '));

export async function regionPage(id, params = new URLSearchParams()) {
  const path = `/v1/admin/regions/${encodeURIComponent(id)}`;
  const [region, options, classes] = await Promise.all([api('GET', path), api('GET', `${path}/shipping-options`), api('GET', '/v1/admin/tax-classes')]);
  const redraw = () => regionPage(id);
  const editing = may('settings');
  const rates = region.tax_rates.map((t) => ({ ...t, rate: String(t.rate_bps / 100) }));
  const ratesBody = h('tbody');
  const drawRates = () => ratesBody.replaceChildren(...rates.map((t, i) => {
    const bind = (key, attrs) => { const el = h('input', { value: t[key] || '', ...attrs }); el.addEventListener('input', () => { t[key] = el.value; }); return el; };
    const cls = h('select', { 'aria-label': `Tax class of rate ${i + 1}` }, classes.data.map((c) => h('option', { value: c.code, selected: c.code === t.tax_class }, c.name)));
    cls.addEventListener('change', () => { t.tax_class = cls.value; });
    return h('tr', {}, h('td', {}, cls), h('td', {}, bind('province', { 'aria-label': `Province of rate ${i + 1}`, size: 4 })),
      h('td', {}, bind('name', { 'aria-label': `Name of rate ${i + 1}`, required: true })), h('td', { class: 'num' }, bind('rate', { 'aria-label': `Rate of rate ${i + 1} in percent`, inputmode: 'decimal', size: 6 })),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => { rates.splice(i, 1); drawRates(); } }, `Remove rate ${i + 1}`)));
  }));
  drawRates();
  const form = h('form', { class: 'panel', 'aria-label': 'Region' }, h('fieldset', { disabled: !editing },
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, value: region.name })),
      h('label', {}, 'Countries', h('input', { name: 'countries', required: true, value: countriesText(region.countries), 'data-field': 'countries' })),
      choose('Tax', 'tax_mode', TAX_MODES, region.tax_mode),
      choose('Tax rounding', 'tax_rounding', [['per_line', 'per line'], ['per_total', 'per total']], region.tax_rounding),
      choose('Rounding', 'rounding', [['half_up', 'half up'], ['half_even', 'half even']], region.rounding)),
    h('h2', {}, 'Tax rates'),
    table('rates', ['Tax class', 'Province', 'Name', 'Rate (%)#', ''], ratesBody),
    h('p', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => { rates.push({ tax_class: 'standard', province: '', name: 'Tax', rate: '' }); drawRates(); } }, 'Add rate'),
      h('button', { type: 'submit' }, 'Save region'),
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        if (window.confirm(`Delete the region ${region.name} and its shipping options? Addresses there can no longer check out.`)) act(() => api('DELETE', path), null, () => go('#/regions', `${region.name} deleted.`));
      } }, 'Delete region'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const body = { name: d.get('name'), countries: parseCountries(d.get('countries')), tax_mode: d.get('tax_mode'), tax_rounding: d.get('tax_rounding'), rounding: d.get('rounding'),
      tax_rates: rates.map((t) => ({ tax_class: t.tax_class, name: t.name, rate_bps: hundredths(t.rate), ...(t.province ? { province: t.province.toUpperCase() } : {}) })) };
    act(() => api('PATCH', path, body), 'Region saved.', redraw);
  });
  const changing = options.data.find((o) => o.id === params.get('option'));
  const optionRow = (o) => {
    const base = `/v1/admin/shipping-options/${encodeURIComponent(o.id)}`;
    return h('tr', {}, h('td', {}, o.name), h('td', {}, priceOf(o)), h('td', {}, o.free_over ? `over ${money(o.free_over)}` : ''),
      h('td', {}, o.tax_class), h('td', {}, o.enabled ? 'enabled' : 'disabled'),
      editing ? h('td', {},
        h('a', { href: `#/region/${encodeURIComponent(id)}?option=${encodeURIComponent(o.id)}` }, `Change ${o.name}`), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => act(() => api('PATCH', base, { enabled: !o.enabled }), `${o.name} ${o.enabled ? 'disabled' : 'enabled'}.`, redraw) }, o.enabled ? 'Disable' : 'Enable'), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => {
          if (window.confirm(`Delete the shipping option ${o.name}?`)) act(() => api('DELETE', base), `${o.name} deleted.`, redraw);
        } }, `Delete ${o.name}`)) : null);
  };
  show(region.name, h('p', {}, h('a', { href: '#/regions' }, 'All regions'), ` · prices in ${region.currency.toUpperCase()}`), form,
    h('section', { class: 'panel', 'aria-labelledby': 'options-title' }, h('h2', { id: 'options-title' }, 'Shipping options'),
      options.data.length ? table('shipping-options', ['Option', 'Price', 'Free', 'Tax class', 'Status', ...(editing ? [''] : [])], options.data.map(optionRow))
        : h('p', {}, 'None yet: carts here cannot choose shipping.')),
    editing ? optionForm(region, classes, changing, changing ? () => go(`#/region/${encodeURIComponent(id)}`) : redraw) : null);
}
