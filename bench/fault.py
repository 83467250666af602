#!/usr/bin/env python3
"""Fault test: the guarantees of API.md under load, crashes, a mail outage and a flaky gateway.

    python3 bench/fault.py --binary target/release/oxcart \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres [--seconds 60] [--shoppers 8]
    python3 bench/fault.py --binary target/release/oxcart --database-url mysql://root@127.0.0.1:3306/test

Runs two `oxcart serve` processes on one fresh PostgreSQL or MySQL/MariaDB database, each with its outbox worker
and reconciler, and drives guest shoppers at both (browse, add to cart, check out with an
Idempotency-Key, retrying on the other process when a connection breaks). Meanwhile it kills
one process with SIGKILL and restarts it, twice; stops the mail server (aiosmtpd, which must be
importable) for 20 s; and the `test` payment provider fails 10% of its calls, half of them after
charging. Then it waits for the store to settle and audits the database, the mailbox and the logs:

- no unit oversold: for every variant, stock at start = on hand + units in paid orders, and
  nothing is left reserved;
- every successful charge has exactly one order, paid, for the charged amount, and no cart was
  charged twice; every paid order has its charge; every 201 the shoppers saw is a paid order;
- every paid order has exactly one confirmation email (one Message-ID) and nothing else got one;
- no order is left `pending_payment` past the reconciler's window;
- a promotion code limited to a few redemptions, entered by some shoppers, is never redeemed past
  its limit, none stays held, and every used redemption belongs to a paid order and back;
- no process logged a panic, and no request got a 500.

Exits non-zero on any failure. Needs `psql` (or `mariadb`) on the PATH. Standard library only, besides aiosmtpd.
"""

import argparse, collections, http.client, json, mailbox, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import drop_database, free_port, sql_rows, with_database  # noqa: E402

SCARCE_STOCK, PLENTY_STOCK = 12, 100_000
LIMITED_CODE, CODE_LIMIT = "FAULT5", 5
RELEASE_UNPAID_AFTER_SECS = 15


def call(port, method, path, body=None, headers=None, timeout=40):
    """One request on a fresh connection: (status, parsed body). Raises OSError when the
    connection fails, as it does while a process is down."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body) if body is not None else None
        hdrs = {"content-type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        res = conn.getresponse()
        text = res.read()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return res.status, parsed
    except http.client.HTTPException as e:
        raise OSError(str(e)) from e
    finally:
        conn.close()


class Database:
    def __init__(self, url):
        self.url = url

    def rows(self, sql):
        return sql_rows(self.url, sql)

    def value(self, sql):
        return int(self.rows(sql)[0][0])


class Oxcart:
    """One `oxcart serve` process; its log is appended across restarts."""

    def __init__(self, name, binary, env, log_path):
        self.name, self.binary, self.log_path = name, binary, log_path
        self.port = free_port()
        self.env = dict(env, OXCART_LISTEN=f"127.0.0.1:{self.port}")
        self.proc = None

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"FAIL: {self.name} exited at start; see {self.log_path}")
            try:
                if call(self.port, "GET", "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        sys.exit(f"FAIL: {self.name} did not become ready")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class MailServer:
    """aiosmtpd writing to a Maildir; stopping it refuses connections, as a mail outage does."""

    def __init__(self, maildir):
        self.maildir, self.port, self.proc = maildir, free_port(), None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                                      "-c", "aiosmtpd.handlers.Mailbox", self.maildir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("FAIL: aiosmtpd did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()

    def confirmations(self):
        """(order number, Message-ID) of every order confirmation received."""
        out = []
        if not os.path.isdir(self.maildir):
            return out
        for msg in mailbox.Maildir(self.maildir, create=False):
            m = re.match(r"Order (\d+) confirmed", msg["Subject"] or "")
            if m:
                out.append((int(m.group(1)), msg["Message-ID"]))
        return out


class Shoppers:
    """Guest shoppers in threads, each against both processes in turn."""

    def __init__(self, servers, products, count):
        self.servers, self.products, self.count = servers, products, count
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.outcomes = collections.Counter()
        self.paid_seen = set()
        self.threads = [threading.Thread(target=self.shop, args=(i,), daemon=True) for i in range(count)]

    def note(self, what):
        with self.lock:
            self.outcomes[what] += 1

    def shop(self, index):
        rng = random.Random(index)
        turn = index
        while not self.stop.is_set():
            turn += 1
            port = self.servers[turn % 2].port
            try:
                self.visit(rng, port, turn)
            except OSError:
                self.note("connection failed (process down)")
                time.sleep(0.2)

    def visit(self, rng, port, turn):
        status, _ = call(port, "GET", "/v1/products?limit=20")
        self.note(f"GET list {status}")
        # One to three different variants, in a random order: carts that share variants in
        # opposite orders are what would deadlock if stock rows were not locked in one order.
        lines = rng.sample(self.products["scarce"] + self.products["plenty"], rng.randint(1, 3))
        status, _ = call(port, "GET", f"/v1/products/{lines[0][0]}")
        self.note(f"GET detail {status}")
        status, cart = call(port, "POST", "/v1/carts")
        self.note(f"POST cart {status}")
        if status != 201:
            return
        items = f"/v1/carts/{cart['id']}/items"
        added = 0
        for _, variant, _ in lines:
            status, _ = call(port, "POST", items, {"variant_id": variant, "quantity": rng.randint(1, 3)})
            self.note(f"POST item {status}")
            added += status == 200
        if not added:
            return
        if rng.random() < 0.3:
            status, answer = call(port, "POST", f"/v1/carts/{cart['id']}/promotion-codes", {"code": LIMITED_CODE})
            self.note(f"POST code {status} {(answer or {}).get('reason', '')}".strip())
        card = "pm_card_chargeDeclined" if rng.random() < 0.1 else "pm_card_visa"
        body = {"email": f"shopper{turn}@example.com",
                "shipping_address": {"name": "Load Shopper", "line1": "1 Main St", "city": "Berlin",
                                     "postal_code": "10115", "country": "DE"},
                "payment": {"provider": "test", "payment_method": card}}
        key = {"idempotency-key": f"fault-{os.getpid()}-{turn}-{rng.random()}"}
        for attempt in range(6):
            try:
                status, order = call(self.servers[(turn + attempt) % 2].port, "POST",
                                     f"/v1/carts/{cart['id']}/checkout", body, key)
            except OSError:
                self.note("checkout connection failed, retried on the other process")
                time.sleep(0.5)
                continue
            code = (order or {}).get("code", "")
            self.note(f"POST checkout {status} {code}".strip())
            if status == 201:
                with self.lock:
                    self.paid_seen.add(order["id"])
            if status == 409 and code == "idempotency_key_in_use":
                time.sleep(0.5)
                continue
            if status == 422 and code == "promotion_not_applicable":
                # The code was used up meanwhile: the shopper takes it off and pays full price.
                call(port, "DELETE", f"/v1/carts/{cart['id']}/promotion-codes/{LIMITED_CODE}")
                key = {"idempotency-key": f"fault-{os.getpid()}-{turn}-{rng.random()}"}
                continue
            return


def setup_catalog(port, admin_password):
    status, auth = call(port, "POST", "/v1/auth/login", {"email": "admin@example.com", "password": admin_password})
    if status != 200:
        sys.exit(f"FAIL: admin login: {status} {auth}")
    headers = {"authorization": f"Bearer {auth['token']}"}
    products = {"scarce": [], "plenty": []}
    for kind, stock, count in (("scarce", SCARCE_STOCK, 4), ("plenty", PLENTY_STOCK, 6)):
        for i in range(count):
            body = {"title": f"Fault {kind} {i}", "description": "Made for the fault test.", "status": "published",
                    "variants": [{"sku": f"FAULT-{kind}-{i}", "price": 1000 + 250 * i, "stock": stock}]}
            status, product = call(port, "POST", "/v1/admin/products", body, headers)
            if status != 201:
                sys.exit(f"FAIL: create product: {status} {product}")
            products[kind].append((product["handle"], product["variants"][0]["id"], stock))
    promotion = {"name": "Fault 10%", "class": "order", "type": "percentage", "percentage_bps": 1000,
                 "trigger": "code", "code": LIMITED_CODE, "usage_limit": CODE_LIMIT}
    status, made = call(port, "POST", "/v1/admin/promotions", promotion, headers)
    if status != 201:
        sys.exit(f"FAIL: create promotion: {status} {made}")
    return products


def settle(db, deadline_secs):
    """Waits until no order is pending and no email is waiting; returns the seconds it took."""
    start = time.time()
    while time.time() - start < deadline_secs:
        pending = db.value("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'")
        waiting = db.value("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
        if pending == 0 and waiting == 0:
            return time.time() - start
        time.sleep(1)
    return None


def audit(db, mail, shoppers, products, logs, settled):
    failures = []

    def check(ok, what):
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    check(settled is not None, f"the store settled (no pending order, no waiting email) "
                               f"{'' if settled is None else f'{settled:.0f} s '}after the load stopped")
    start_stock = {v: s for kind in products.values() for (_, v, s) in kind}
    rows = db.rows("""SELECT l.variant_id, l.on_hand, l.reserved, COALESCE(SUM(i.quantity), 0)
                      FROM inventory_levels l
                      LEFT JOIN order_items i ON i.variant_id = l.variant_id
                           AND i.order_id IN (SELECT id FROM orders WHERE status = 'paid')
                      GROUP BY l.variant_id, l.on_hand, l.reserved""")
    bad = [r for r in rows if r[0] in start_stock and int(r[1]) + int(r[3]) != start_stock[r[0]]]
    check(not bad, f"no unit oversold or lost: stock at start = on hand + sold, for all {len(start_stock)} variants {bad}")
    sold_out = sum(1 for r in rows if r[0] in start_stock and start_stock[r[0]] == SCARCE_STOCK and int(r[1]) == 0)
    print(f"       ({sold_out} of {len(products['scarce'])} scarce variants sold out)")
    check(all(int(r[2]) == 0 for r in rows), "nothing is left reserved")

    charges = db.rows("""SELECT c.idempotency_key, o.status, p.status,
                                CASE WHEN p.reference = c.reference THEN 't' ELSE 'f' END,
                                CASE WHEN c.amount = o.total THEN 't' ELSE 'f' END
                         FROM test_provider_charges c
                         LEFT JOIN orders o ON o.id = c.idempotency_key
                         LEFT JOIN payments p ON p.order_id = o.id
                         WHERE c.outcome = 'succeeded'""")
    wrong = [r for r in charges if r[1:] != ["paid", "succeeded", "t", "t"]]
    check(charges and not wrong,
          f"every successful charge ({len(charges)}) has one paid order with that charge and amount {wrong[:5]}")
    twice = db.rows("""SELECT o.cart_id FROM orders o JOIN test_provider_charges c
                       ON c.idempotency_key = o.id AND c.outcome = 'succeeded'
                       GROUP BY o.cart_id HAVING COUNT(*) > 1""")
    check(not twice, f"no cart was charged twice {twice[:5]}")
    paid = dict((r[0], int(r[1])) for r in db.rows("SELECT id, number FROM orders WHERE status = 'paid'"))
    check(len(paid) == len(charges), f"every paid order ({len(paid)}) has its successful charge")
    lost = shoppers.paid_seen - set(paid)
    check(not lost, f"every order a shopper was told is paid ({len(shoppers.paid_seen)}) is paid {sorted(lost)[:5]}")

    redeemed = db.value("SELECT COALESCE(SUM(redeemed), 0) FROM promotion_slots")
    held = db.value("SELECT COUNT(*) FROM promotion_redemptions WHERE status = 'held'")
    used = db.value("SELECT COUNT(*) FROM promotion_redemptions WHERE status = 'used'")
    check(redeemed <= CODE_LIMIT and redeemed == used and held == 0,
          f"the code limited to {CODE_LIMIT} was redeemed {redeemed} times ({used} used), "
          f"and none is left held ({held})")
    stray = db.value("""SELECT COUNT(*) FROM promotion_redemptions r JOIN orders o ON o.id = r.order_id
                        WHERE (r.status = 'used') <> (o.status = 'paid')""")
    check(stray == 0,
          f"every used redemption ({used}) is a paid order's and every paid order's is used ({stray} not)")

    received = mail.confirmations()
    by_number = collections.defaultdict(set)
    for number, message_id in received:
        by_number[number].add(message_id)
    numbers = set(paid.values())
    missing = sorted(numbers - set(by_number))
    extra = sorted(set(by_number) - numbers)
    doubled = sorted(n for n, ids in by_number.items() if len(ids) > 1)
    check(not missing and not extra and not doubled,
          f"every paid order has exactly one confirmation (one Message-ID): missing {missing[:5]}, "
          f"for unpaid orders {extra[:5]}, with two Message-IDs {doubled[:5]}")
    resent = len(received) - sum(len(ids) for ids in by_number.values())
    print(f"       ({len(received)} confirmations received; {resent} delivered again with the same "
          f"Message-ID after a crash between the server's 250 and our bookkeeping)")
    check(db.value("SELECT COUNT(*) FROM outbox WHERE status = 'dead'") == 0, "no email given up on")

    panics = [p for p in logs if "panicked" in open(p, errors="replace").read()]
    check(not panics, f"no process logged a panic {panics}")
    errors = {k: v for k, v in shoppers.outcomes.items() if re.search(r" 5\d\d", k) and " 502 " not in f"{k} "}
    check(not errors, f"no request got a 5xx other than the gateway's 502 {errors}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--database-url", "--postgres-url", dest="server_url", required=True,
                    help="a PostgreSQL or MySQL/MariaDB server URL; the test makes its own database there")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--shoppers", type=int, default=8)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="oxcart-fault-")
    db_name = f"oxcart_fault_{os.getpid()}"
    drop_database(args.server_url, db_name)
    sql_rows(args.server_url, f"CREATE DATABASE {db_name}")
    db_url = with_database(args.server_url, db_name)
    db = Database(db_url)
    mail = MailServer(os.path.join(work, "maildir"))
    password = "fault test admin password"
    env = dict(os.environ, OXCART_DATABASE_URL=db_url, OXCART_DATA_DIR=work, OXCART_LOG_LEVEL="warn",
               OXCART_ADMIN_PASSWORD=password, OXCART_SMTP_URL=f"smtp://127.0.0.1:{mail.port}",
               OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT="10",
               OXCART_RECONCILE_EVERY_SECS="1", OXCART_RECONCILE_AFTER_SECS="2",
               OXCART_RELEASE_UNPAID_AFTER_SECS=str(RELEASE_UNPAID_AFTER_SECS),
               OXCART_OUTBOX_POLL_MS="100", OXCART_OUTBOX_LEASE_MS="5000", OXCART_OUTBOX_RETRY_BASE_MS="500",
               OXCART_OUTBOX_RETRY_MAX_MS="3000", OXCART_OUTBOX_MAX_ATTEMPTS="100")
    servers = [Oxcart(name, args.binary, env, os.path.join(work, f"{name}.log")) for name in ("a", "b")]
    try:
        subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "admin", "create", "--email", "admin@example.com", "--name", "Admin"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        mail.start()
        for s in servers:
            s.start()
        products = setup_catalog(servers[0].port, password)
        shoppers = Shoppers(servers, products, args.shoppers)
        start = time.time()
        for t in shoppers.threads:
            t.start()
        s = args.seconds
        # (second, what happens): one process killed twice, the mail server away for 20 s.
        timeline = [(s * 0.15, "kill a"), (s * 0.2, "start a"), (s * 0.3, "stop mail"),
                    (s * 0.3 + 20, "start mail"), (s * 0.55, "kill a"), (s * 0.6, "start a")]
        for at, what in sorted(timeline):
            time.sleep(max(0, start + at - time.time()))
            print(f"  {time.time() - start:5.1f} s  {what}", flush=True)
            {"kill a": servers[0].kill, "start a": servers[0].start,
             "stop mail": mail.stop, "start mail": mail.start}[what]()
        time.sleep(max(0, start + s - time.time()))
        shoppers.stop.set()
        for t in shoppers.threads:
            t.join(timeout=60)
        print(f"  {time.time() - start:5.1f} s  load stopped; what the shoppers saw:")
        for what, n in sorted(shoppers.outcomes.items()):
            print(f"         {n:6d}  {what}")
        settled = settle(db, RELEASE_UNPAID_AFTER_SECS + 45)
        failures = audit(db, mail, shoppers, products, [s.log_path for s in servers], settled)
    finally:
        for s in servers:
            s.stop()
        mail.stop()
        drop_database(args.server_url, db_name)
    if failures:
        print(f"fault test: {len(failures)} check(s) failed; logs in {work}")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("fault test: ok")


if __name__ == "__main__":
    main()
