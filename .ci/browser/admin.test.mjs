// The admin dashboard (issue 23) as staff use it, in headless Chromium: the owner signs in, the
// home's numbers agree with the orders this test placed, an order is found by its number, a
// note is left on it and it ships; another is cancelled after a confirmation; the audit log
// shows who did it; a fulfilment member sees orders and can ship but has no home numbers, no
// cancel and no audit log. Emails the mail server refused show in the outbox, and are retried.
// Errors show in words. Takes the README's screenshots on the way.
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
import { anyFailed, commandLine, freePort, launchChromium, scenario } from './harness.mjs';

const args = commandLine();
const shots = args.screenshots;

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'oxcart-admin-'));
// A mail server that is down (nothing listens on the port), and one attempt per message: the
// order emails die at once, for the Outbox page to show and retry.
const deadPort = await freePort();
const serverEnv = { ...process.env, OXCART_DATA_DIR: dataDir, OXCART_LISTEN: `127.0.0.1:${port}`, OXCART_LOG_LEVEL: 'error',
  OXCART_SMTP_URL: `smtp://127.0.0.1:${deadPort}`, OXCART_OUTBOX_MAX_ATTEMPTS: '1', OXCART_OUTBOX_POLL_MS: '100' };
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

async function signIn(email, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    await page.getByRole('button', { name: 'Ship everything not shipped' }).click();
    await page.locator('.status.fulfilled').waitFor();
    if (shots) await page.screenshot({ path: join(shots, 'admin-order.png'), fullPage: true });

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
    await page.getByLabel('Percent off the order').fill('15');
    await page.getByLabel('Uses in all (empty: no limit)').fill('5');
    await page.getByRole('button', { name: 'Create code' }).click();
    await page.locator('#flash', { hasText: 'Code STAFF15 created' }).waitFor();
    const used = await placeOrder(1, 'staff15');
    assert.ok(used.discount_total.amount > 0, 'the code took something off');
    await page.reload();
    const promo = page.locator('#promotions tr', { hasText: 'STAFF15' });
    await promo.waitFor();
    const cells = await promo.locator('td').allTextContents();
    assert.deepEqual(cells.slice(1, 6), ['code STAFF15', '15% off (order)', '1', '0', '4'], cells.join(' | '));

    // A new member of staff, invited; then the owner changes their mind about them.
    await page.getByRole('link', { name: 'Staff' }).click();
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

  await scenario('a fulfilment member ships but has no numbers, no cancel and no audit log', async () => {
    const extra = await placeOrder(1);
    const { context, page } = await signIn('fred@example.com', staffPassword);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Home' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Outbox' }).count(), 0);
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
    await context.close();
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
if (anyFailed()) process.exit(1);
console.log('admin: all browser scenarios passed');
