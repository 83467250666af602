// The admin dashboard (issue 23) as staff use it, in headless Chromium: the owner signs in, the
// home's numbers agree with the orders this test placed, an order is found by its number, a
// note is left on it and it ships; another is cancelled after a confirmation; the audit log
// shows who did it; a fulfilment member sees orders and can ship but has no home numbers, no
// cancel and no audit log, and cannot touch the catalog. Emails the mail server refused show in
// the outbox, and are retried. The owner makes a category and a product with two variants and
// an uploaded picture, which the storefront then shows (and a shopper uses the code made on
// the Promotions page on it); invites a member as fulfilment, who sets a password from the
// emailed link and is refused the catalog; opens a region with a tax rate and a shipping
// option. Every page fits a tablet. Errors show in words. Takes the README's screenshots on
// the way.
//
//   node admin.test.mjs --binary <path to oxcart> [--screenshots <dir>] [--database-url <url>]
//
// By default the server runs on its own embedded SQLite file with its demo. With --database-url
// (an empty PostgreSQL or MySQL/MariaDB database) the demo is loaded with `oxcart seed --demo`.
// Skips (exit 0, with a message) when Chromium is not installed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { anyFailed, commandLine, freePort, launchChromium, scenario } from './harness.mjs';
import { plainText, smtpServer } from './smtp.mjs';

const args = commandLine();
const shots = args.screenshots;

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'oxcart-admin-'));
// A mail server that takes mail for the staff's domain and refuses everyone else's, and one
// attempt per message: the order emails die at once, for the Outbox page to show and retry;
// invitations arrive, for the invited to follow.
const mail = await smtpServer((address) => address.endsWith('@staff.example.com'));
const serverEnv = { ...process.env, OXCART_DATA_DIR: dataDir, OXCART_LISTEN: `127.0.0.1:${port}`, OXCART_LOG_LEVEL: 'error',
  OXCART_SMTP_URL: `smtp://127.0.0.1:${mail.port}`, OXCART_OUTBOX_MAX_ATTEMPTS: '1', OXCART_OUTBOX_POLL_MS: '100' };
const ownerPassword = 'admin-test-owner-password';
const staffPassword = 'admin-test-staff-password';
if (args['database-url']) {
  serverEnv.OXCART_DATABASE_URL = args['database-url'];
  execFileSync(args.binary, ['seed', '--demo'], { env: serverEnv, stdio: 'ignore' });
}
const makeStaff = (email, role, password) => execFileSync(args.binary,
  ['admin', 'create', '--email', email, '--name', role === 'owner' ? 'Olive Owner' : 'Fred Fulfilment', '--role', role],
  { env: { ...serverEnv, OXCART_ADMIN_PASSWORD: password }, stdio: 'ignore' });
const server = spawn(args.binary, ['serve'], { env: serverEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const browser = await launchChromium();

const json = async (method, path, body, token) => {
  const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
};

// A paid guest order of `quantity` of the demo's tee (a variant with plenty), shipped to Berlin,
// with the promotion `code` if one is given.
async function placeOrder(quantity, code, token) {
  const tee = await json('GET', '/v1/products/classic-crew-tee');
  const variant = tee.variants.find((v) => v.available >= 10) || tee.variants.find((v) => v.in_stock);
  const cart = await json('POST', '/v1/carts', undefined, token);
  await json('POST', `/v1/carts/${cart.id}/items`, { variant_id: variant.id, quantity }, token);
  if (code) await json('POST', `/v1/carts/${cart.id}/promotion-codes`, { code }, token);
  return json('POST', `/v1/carts/${cart.id}/checkout`, {
    email: 'ann@example.com',
    shipping_address: { name: 'Ann Smith', line1: '1 Main St', city: 'Berlin', postal_code: '10115', country: 'DE' },
    payment: { provider: 'test', payment_method: 'pm_card_visa' },
  }, token);
}

// A real PNG (a decoder draws it): `width`×`height` pixels of one colour.
function png(width, height, [r, g, b]) {
  const crc = (bytes) => {
    let c = ~0;
    for (const byte of bytes) { c ^= byte; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1)); }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0); body.copy(out, 4); out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4); header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

async function signIn(email, password, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  const response = await page.goto(`${base}/admin`);
  const csp = response.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
  return { context, page };
}

try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  makeStaff('olive@example.com', 'owner', ownerPassword);
  makeStaff('fred@example.com', 'fulfilment', staffPassword);
  const shipped = await placeOrder(2);
  const cancelled = await placeOrder(1);
  const revenue = shipped.total.amount + cancelled.total.amount;

  await scenario('a wrong password is said in words, not JSON', async () => {
    const { context, page } = await signIn('olive@example.com', 'not the password');
    const flash = page.locator('#flash');
    await flash.filter({ hasText: /./ }).waitFor();
    const text = await flash.textContent();
    assert.ok(!text.includes('{') && /password|credentials/i.test(text), text);
    await context.close();
  });

  await scenario('the owner sees the day\'s numbers, ships one order with a note and cancels another', async () => {
    const { context, page } = await signIn('olive@example.com', ownerPassword);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    const today = page.locator('.kpi').first();
    const fmt = (amount) => new Intl.NumberFormat('en-US', { style: 'currency', currency: shipped.total.currency.toUpperCase() }).format(amount / 100);
    assert.equal(await today.locator('.big').textContent(), fmt(revenue), 'today: both orders');
    assert.equal(await today.locator('dd').first().textContent(), '2');
    assert.equal(await page.locator('#awaiting').textContent(), '2');
    assert.equal(await page.locator('svg.chart rect.bar').count(), 30, 'a bar per day');
    const focused = await page.evaluate(() => document.activeElement?.id);
    assert.equal(focused, 'main', 'focus moves to the page that was shown');
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length);
    assert.equal(unlabeled, 0, 'every field has a label');
    if (shots) await page.screenshot({ path: join(shots, 'admin-home.png'), fullPage: true });

    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByLabel('Number').fill(String(shipped.number));
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: `#${shipped.number}` }).click();
    await page.getByRole('heading', { name: `Order #${shipped.number}` }).waitFor();
    await page.getByLabel('Note for the team').fill('Gift: no invoice in the box.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.notes li', { hasText: 'Gift: no invoice in the box.' }).waitFor();
    // One of its two units goes in a first parcel; the rest after.
    await page.getByLabel(/^Units of .* in this parcel$/).fill('1');
    await page.getByLabel('Carrier').fill('DHL');
    await page.getByLabel('Tracking number').fill('JJD000390007');
    await page.getByRole('button', { name: 'Ship this parcel' }).click();
    await page.locator('#flash', { hasText: 'Shipped 1 unit(s).' }).waitFor();
    await page.locator('p .status.partially_fulfilled').waitFor();
    await page.locator('.timeline li', { hasText: 'Shipped 1 unit(s)' }).waitFor();
    await page.locator('.timeline li', { hasText: 'A parcel shipped by olive@example.com' }).waitFor();
    if (shots) await page.screenshot({ path: join(shots, 'admin-order.png'), fullPage: true });
    await page.getByRole('button', { name: 'Ship everything not shipped' }).click();
    await page.locator('p .status.fulfilled').waitFor();
    assert.equal(await page.locator('.shipments li').count(), 2, 'two parcels');

    await page.goto(`${base}/admin#/order/${cancelled.id}`);
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
    await page.getByRole('button', { name: 'Cancel and refund' }).click();
    await page.locator('.status.cancelled').waitFor();
    assert.match(dialogs[0] || '', /cannot be undone/, 'a destructive action asks first');

    await page.goto(`${base}/admin#/`);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    assert.equal(await page.locator('.kpi').first().locator('dd').first().textContent(), '1', 'a cancelled order leaves the numbers');
    assert.equal(await page.locator('#awaiting').textContent(), '0');

    // The order emails could not be sent: the home says so, the outbox lists them, a retry
    // puts one back in line.
    await page.getByRole('link', { name: 'See the outbox' }).click();
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    for (let i = 0; i < 50 && await page.getByRole('button', { name: 'Retry' }).count() === 0; i++) {
      await page.waitForTimeout(200);
      await page.reload();
      await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    }
    await page.getByRole('button', { name: 'Retry' }).first().click();
    await page.locator('#flash', { hasText: 'will be sent again now' }).waitFor();

    // Stock: from the home's low-stock panel to the inventory, where a delivery is booked in.
    await page.goto(`${base}/admin#/`);
    await page.getByRole('link', { name: 'Restock' }).click();
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    const row = page.locator('#inventory tbody tr').first();
    const sku = await row.locator('td').nth(1).textContent();
    const onHand = Number(await row.locator('td').nth(2).textContent());
    await row.getByLabel('Units (+/−)').fill('12');
    await row.getByLabel('Reason').fill('delivery from supplier');
    await row.getByRole('button', { name: `Adjust ${sku}` }).click();
    await page.locator('#flash', { hasText: `${sku}: ${onHand + 12} on hand` }).waitFor();
    const ledger = await json('GET', `/v1/admin/inventory?limit=100`).catch(() => null);
    assert.equal(ledger, null, 'the inventory is not public');

    // A signed-in customer's order, found from the Customers page.
    const signedUp = await json('POST', '/v1/auth/register', { email: 'dora.d@example.com', password: 'correct horse battery', name: 'Dora Dune' });
    const hers = await placeOrder(1, undefined, signedUp.token);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Email or name contains').fill('DUNE');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#customers tbody tr').length === 1);
    await page.getByRole('link', { name: 'Dora Dune' }).click();
    await page.getByRole('link', { name: `#${hers.number}` }).waitFor();

    // A discount code made on the Promotions page, used at checkout, counted on the page.
    await page.getByRole('link', { name: 'Promotions' }).click();
    await page.getByRole('heading', { name: 'Promotions', exact: true }).waitFor();
    await page.getByLabel('Name').fill('Staff picks 15%');
    await page.getByLabel('Code', { exact: true }).fill('STAFF15');
    await page.getByLabel('Percent off').fill('15');
    await page.getByLabel('Uses in all (empty: no limit)').fill('5');
    await page.getByRole('button', { name: 'Create promotion' }).click();
    await page.locator('#flash', { hasText: 'Promotion Staff picks 15% created.' }).waitFor();
    const used = await placeOrder(1, 'staff15');
    assert.ok(used.discount_total.amount > 0, 'the code took something off');
    await page.reload();
    const promo = page.locator('#promotions tr', { hasText: 'STAFF15' });
    await promo.waitFor();
    const cells = await promo.locator('td').allTextContents();
    assert.deepEqual(cells.slice(1, 6), ['code STAFF15', '15% off (order)', '1', '0', '4'], cells.join(' | '));

    // A new member of staff, invited; then the owner changes their mind about them.
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('heading', { name: 'Staff', exact: true }).waitFor();
    await page.getByLabel('Name').fill('Pat Packer');
    await page.getByLabel('Email').fill('pat@example.com');
    await page.locator('select[name=staff_role]').selectOption('fulfilment');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('#flash', { hasText: 'Invited pat@example.com' }).waitFor();
    const pat = page.locator('#staff tr', { hasText: 'pat@example.com' });
    assert.equal(await page.getByLabel('Role of pat@example.com').inputValue(), 'fulfilment');
    await pat.getByRole('button', { name: 'Disable pat@example.com' }).click();
    await page.locator('#flash', { hasText: 'pat@example.com is disabled' }).waitFor();
    assert.match(dialogs.at(-1) || '', /sessions end at once/);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = await page.locator('tbody tr').allTextContents();
    for (const action of ['POST /v1/admin/inventory/{variant_id}/adjustments', 'POST /v1/admin/promotions', 'PATCH /v1/admin/staff/{id}', 'POST /v1/admin/staff', 'POST /v1/admin/outbox/{id}/retry', 'POST /v1/admin/orders/{id}/cancel', 'POST /v1/admin/orders/{id}/fulfill', 'POST /v1/admin/orders/{id}/notes']) {
      assert.ok(rows.some((r) => r.includes(action) && r.includes('olive@example.com')), `${action} in ${rows.join('\n')}`);
    }
    // Filtered in the page: one member's writes to staff accounts (the invitation and the
    // disabling), then one order's (its cancellation) from a link.
    await page.getByLabel('Member of staff').selectOption({ label: 'olive@example.com' });
    await page.getByLabel('Object type').fill('staff');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#audit tbody tr').length === 2);
    const staffRows = await page.locator('#audit tbody tr').allTextContents();
    assert.ok(staffRows.every((r) => r.includes('olive@example.com') && r.includes('/v1/admin/staff')), staffRows.join('\n'));
    await page.goto(`${base}/admin#/audit?object_type=order&object_id=${cancelled.id}`);
    await page.waitForFunction(() => document.querySelectorAll('#audit tbody tr').length === 1);
    assert.match(await page.locator('#audit tbody tr').textContent(), /POST \/v1\/admin\/orders\/\{id\}\/cancel/);
    await context.close();
  });

  await scenario('the owner makes a product with two variants and a picture, and the shop shows it', async () => {
    const { context, page } = await signIn('olive@example.com', ownerPassword);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Categories', exact: true }).click();
    await page.getByRole('heading', { name: 'Categories' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Wall art');
    await page.getByRole('button', { name: 'Create category' }).click();
    await page.locator('#flash', { hasText: 'Wall art created.' }).waitFor();

    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Harbour poster');
    await page.getByLabel('Status').selectOption('published');
    await page.getByLabel('Description').fill('The harbour at dawn, printed on heavy matte paper.');
    await page.getByLabel('Wall art', { exact: true }).check();
    await page.locator('#picture-file').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: png(64, 48, [30, 90, 160]) });
    await page.locator('.gallery img').waitFor();
    await page.getByLabel('Options (names, separated by commas)').fill('size');
    await page.getByLabel('Options (names, separated by commas)').press('Tab');
    const variant = async (n, sku, size, price, stock) => {
      await page.getByLabel(`SKU of variant ${n}`).fill(sku);
      await page.getByLabel(`Title of variant ${n}`).fill(size);
      await page.getByLabel(`size of variant ${n}`).fill(size);
      await page.getByLabel(`Price of variant ${n}`).fill(price);
      await page.getByLabel(`Weight in grams of variant ${n}`).fill('250');
      await page.getByLabel(`Opening stock of variant ${n}`).fill(stock);
    };
    await variant(1, 'POSTER-A3', 'A3', '19.00', '7');
    await page.getByRole('button', { name: 'Add variant' }).click();
    await variant(2, 'POSTER-A2', 'A2', '29.50', '3');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.locator('#flash', { hasText: 'Harbour poster created.' }).waitFor();
    await page.getByRole('heading', { name: 'Harbour poster' }).waitFor();
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length);
    assert.equal(unlabeled, 0, 'every field of the editor has a label');
    if (shots) await page.screenshot({ path: join(shots, 'admin-product.png'), fullPage: true });

    const made = await json('GET', '/v1/products/harbour-poster');
    assert.deepEqual(made.variants.map((v) => [v.sku, v.options.size, v.price.amount, v.available]).sort(),
      [['POSTER-A2', 'A2', 2950, 3], ['POSTER-A3', 'A3', 1900, 7]]);
    assert.match(made.images[0], /\/media\/uploads\/[0-9a-f]{48}\.png$/);
    assert.deepEqual(made.categories.map((c) => c.name), ['Wall art']);

    // A price changed in the editor; then a mistake, said in words on the field.
    await page.getByLabel('Price of variant 2').fill('27.50');
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.locator('#flash', { hasText: 'Saved.' }).waitFor();
    const repriced = await json('GET', '/v1/products/harbour-poster');
    assert.equal(repriced.variants.find((v) => v.sku === 'POSTER-A2').price.amount, 2750);
    await page.getByLabel('Title', { exact: true }).fill('');
    await page.getByLabel('Title', { exact: true }).evaluate((el) => { el.required = false; });
    await page.getByRole('button', { name: 'Save product' }).click();
    const flash = page.locator('#flash.bad');
    await flash.waitFor();
    assert.ok(!(await flash.textContent()).includes('{'), await flash.textContent());
    assert.equal(await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid'), 'true');

    // The shop shows it, picture and all; a shopper puts it in their cart and uses the code
    // made on the Promotions page.
    const shopper = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const shop = await shopper.newPage();
    await shop.goto(`${base}/#/p/harbour-poster`);
    await shop.getByRole('heading', { name: 'Harbour poster' }).waitFor();
    const picture = shop.locator('img[alt="Harbour poster"]');
    await picture.waitFor();
    await shop.waitForFunction(() => document.querySelector('img[alt="Harbour poster"]')?.naturalWidth === 64);
    await shop.locator('label.choice', { hasText: 'A2' }).locator('input[name=variant]').check();
    await shop.click('#add-to-cart');
    await shop.waitForFunction(() => document.querySelector('#cart-count').textContent === '1');
    await shop.goto(`${base}/#/cart`);
    await shop.fill('#promotion-code', 'staff15');
    await shop.click('#apply-code');
    await shop.waitForSelector('#applied-codes');
    assert.match(await shop.textContent('#applied-codes'), /STAFF15 applied/);
    await shopper.close();
    await context.close();
  });

  await scenario('a member invited as fulfilment sets a password from the email, then may ship but not edit products', async () => {
    const { context, page } = await signIn('olive@example.com', ownerPassword);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('heading', { name: 'Staff', exact: true }).waitFor();
    await page.getByLabel('Name').fill('Sam Shipper');
    await page.getByLabel('Email').fill('sam@staff.example.com');
    await page.locator('select[name=staff_role]').selectOption('fulfilment');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('#flash', { hasText: 'Invited sam@staff.example.com' }).waitFor();
    await context.close();
    let invitation;
    for (let i = 0; i < 100 && !invitation; i++) {
      invitation = mail.messages.find((m) => m.to.includes('sam@staff.example.com'));
      if (!invitation) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(invitation, 'the invitation reached the mail server');
    const link = (plainText(invitation.raw).match(/https?:\/\/\S+#reset-password\?token=\S+/) || [])[0];
    assert.ok(link, plainText(invitation.raw));

    const sams = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const choose = await sams.newPage();
    await choose.goto(link);
    await choose.getByLabel('New password (8 characters or more)').fill('sam-ships-parcels');
    await choose.getByRole('button', { name: 'Set new password' }).click();
    await choose.getByText('Password changed').waitFor();
    await sams.close();

    const sam = await signIn('sam@staff.example.com', 'sam-ships-parcels');
    await sam.page.getByRole('heading', { name: 'Orders' }).waitFor();
    assert.equal(await sam.page.getByRole('link', { name: 'Products', exact: true }).count(), 0, 'the catalog is not theirs');
    const poster = await json('GET', '/v1/products/harbour-poster');
    await sam.page.goto(`${base}/admin#/product/${poster.id}`);
    await sam.page.locator('#flash', { hasText: /cannot do this/ }).waitFor();
    const token = (await json('POST', '/v1/auth/login', { email: 'sam@staff.example.com', password: 'sam-ships-parcels' })).token;
    const edit = await fetch(`${base}/v1/admin/products/${poster.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"title":"Mine now"}' });
    assert.equal(edit.status, 403, 'the server refuses what the page hides');
    await sam.context.close();
  });

  await scenario('the owner opens a region with its tax rate and a shipping option, then disables the option', async () => {
    const { context, page } = await signIn('olive@example.com', ownerPassword);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Regions', exact: true }).click();
    await page.getByRole('heading', { name: 'Regions and taxes' }).waitFor();
    await page.getByLabel('Name', { exact: true }).first().fill('Nordics');
    await page.getByLabel(/^Countries/).fill('NO, SE');
    await page.getByLabel('Standard tax rate (%)').fill('25');
    await page.getByRole('button', { name: 'Create region' }).click();
    await page.locator('#flash', { hasText: 'Nordics created.' }).waitFor();
    await page.getByRole('link', { name: 'Nordics' }).click();
    await page.getByRole('heading', { name: 'Nordics' }).waitFor();
    assert.equal(await page.getByLabel('Rate of rate 1 in percent').inputValue(), '25');
    await page.getByLabel('Name', { exact: true }).last().fill('Posten');
    await page.getByLabel('Price (one price)').fill('5.00');
    await page.getByLabel('Free over (optional)').fill('100');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.locator('#flash', { hasText: 'Posten added.' }).waitFor();
    await page.locator('#shipping-options tr', { hasText: 'Posten' }).getByRole('button', { name: 'Disable' }).click();
    await page.locator('#flash', { hasText: 'Posten disabled.' }).waitFor();
    const owner = await json('POST', '/v1/auth/login', { email: 'olive@example.com', password: ownerPassword });
    const regions = await json('GET', '/v1/admin/regions?limit=100', undefined, owner.token);
    const nordics = regions.data.find((r) => r.name === 'Nordics');
    assert.deepEqual([nordics.countries.map((c) => c.code), nordics.tax_rates.map((t) => t.rate_bps)], [['NO', 'SE'], [2500]]);
    const options = await json('GET', `/v1/admin/regions/${nordics.id}/shipping-options`, undefined, owner.token);
    assert.deepEqual(options.data.map((o) => [o.name, o.amount.amount, o.free_over.amount, o.enabled]), [['Posten', 500, 10000, false]]);
    await context.close();
  });

  await scenario('on a tablet, every page fits the screen and the keyboard reaches the menu', async () => {
    const { context, page } = await signIn('olive@example.com', ownerPassword, { width: 820, height: 1180 });
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    const poster = await json('GET', '/v1/products/harbour-poster');
    for (const [hash, heading] of [['#/', 'Home'], ['#/orders', 'Orders'], [`#/order/${shipped.id}`, `Order #${shipped.number}`],
      ['#/products', 'Products'], [`#/product/${poster.id}`, 'Harbour poster'], ['#/inventory', 'Inventory'], ['#/promotions', 'Promotions'],
      ['#/regions', 'Regions and taxes'], ['#/staff', 'Staff'], ['#/audit', 'Audit log']]) {
      await page.goto(`${base}/admin${hash}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${hash} is ${overflow}px wider than a tablet`);
      if (shots && hash.startsWith('#/product/')) await page.screenshot({ path: join(shots, 'admin-tablet.png') });
    }
    // By keyboard alone: a page shown puts the focus on its content, where Tab goes on to
    // the page's first link, and Shift+Tab back through the menu.
    await page.goto(`${base}/admin#/`);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'See them');
    const seen = [];
    for (let i = 0; i < 15 && seen.at(-1) !== 'Orders'; i++) {
      await page.keyboard.press('Shift+Tab');
      seen.push(await page.evaluate(() => document.activeElement.textContent));
    }
    assert.equal(seen.at(-1), 'Orders', seen.join(' ← '));
    assert.deepEqual(seen.slice(0, 2), ['Sign out', 'Audit log'], 'back through the menu, from its end');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await context.close();
  });

  await scenario('a fulfilment member ships but has no numbers, no cancel and no audit log', async () => {
    const extra = await placeOrder(1);
    const { context, page } = await signIn('fred@example.com', staffPassword);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Home' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Outbox' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Products' }).count(), 0, 'no catalog for fulfilment');
    assert.equal(await page.getByRole('link', { name: 'Regions' }).count(), 0);
    await page.getByRole('link', { name: `#${extra.number}` }).click();
    await page.getByRole('heading', { name: `Order #${extra.number}` }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel and refund' }).count(), 0);
    await page.getByRole('button', { name: 'Ship everything not shipped' }).click();
    await page.locator('.status.fulfilled').waitFor();
    // What the page hides, the server refuses: in words.
    await page.goto(`${base}/admin#/audit`);
    const flash = page.locator('#flash');
    await flash.filter({ hasText: /./ }).waitFor();
    assert.match(await flash.textContent(), /cannot do this/);
    // Nor may they change a product, however they ask.
    await page.goto(`${base}/admin#/product/${(await json('GET', '/v1/products/harbour-poster')).id}`);
    await page.locator('#flash', { hasText: /cannot do this/ }).waitFor();
    const fred = await json('POST', '/v1/auth/login', { email: 'fred@example.com', password: staffPassword });
    const edit = await fetch(`${base}/v1/admin/products/harbour-poster`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${fred.token}` }, body: '{"title":"Mine now"}' });
    assert.equal(edit.status, 403);
    await context.close();
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  await mail.close();
  rmSync(dataDir, { recursive: true, force: true });
}
if (anyFailed()) process.exit(1);
console.log('admin: all browser scenarios passed');
