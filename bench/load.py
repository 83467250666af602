#!/usr/bin/env python3
"""The load benchmark behind `bench/run`: Oxcart on SQLite, PostgreSQL and MariaDB, with 1,000,
100,000 and 1,000,000 products, under wrk; beside it, in the same run, the machine's limits (a
minimal axum server, with and without one sqlx query on PostgreSQL, pgbench, and sysbench's
oltp_read_write on MariaDB). Writes its section of docs/BENCHMARKS.md.

    bench/run                        # everything; see bench/run for the options

Each scenario runs twice: at full speed (wrk -t2 -c32), then paced at half that rate (16
connections, each waiting between requests) to read the latency a server sees when it is not
saturated. Peak RSS is the server's high-water mark during the full-speed run (reset before
it through /proc/PID/clear_refs).
"""

import argparse, concurrent.futures, datetime, http.client, json, os, platform, re, sqlite3, subprocess, sys, tempfile, time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report, wrk  # noqa: E402
from harness import free_port, sql_rows, with_database  # noqa: E402

ADMIN_EMAIL, ADMIN_PASSWORD = "bench-admin@example.com", "bench admin password"
BENCH_CODE = "BENCH10"


def api(port, method, path, body=None, token=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"content-type": "application/json"} if body is not None else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    res = conn.getresponse()
    text = res.read()
    if own:
        conn.close()
    return res.status, (json.loads(text) if text else None)


def expect(result, status, what):
    if result[0] != status:
        sys.exit(f"bench: {what}: HTTP {result[0]} {str(result[1])[:300]}")
    return result[1]


class Process:
    """A server under test: its start time to the first 200, and its memory from /proc."""

    def __init__(self, cmd, env, port, ready_path, log_path):
        log = open(log_path, "a")
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.port = port
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None or time.time() > deadline:
                sys.exit(f"bench: {cmd[0]} did not start; see {log_path}")
            try:
                if api(port, "GET", ready_path)[0] == 200:
                    break
            except OSError:
                time.sleep(0.001)
        self.cold_start_ms = (time.perf_counter() - started) * 1000

    def status_kb(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(rf"^{field}:\s+(\d+)", f.read(), re.M).group(1))

    def reset_peak(self):
        with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
            f.write("5")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def psql(url, sql):
    """The first field of the first row, or "" when there is none (PostgreSQL or MariaDB)."""
    rows = sql_rows(url, sql)
    return rows[0][0] if rows else ""


def prepare(args, engine, size):
    """A seeded database for (engine, size), reused across runs: seeding 100,000 products takes
    minutes. Returns its URL."""
    if engine == "sqlite":
        path = os.path.join(args.cache, f"sqlite-{size}.db")
        url = f"sqlite://{path}?mode=rwc"
        count = 0
        if os.path.exists(path):
            with sqlite3.connect(path) as db:
                count = db.execute("SELECT COUNT(*) FROM products").fetchone()[0]
    elif engine == "mysql":
        name = f"oxcart_bench_{size}"
        url = with_database(args.mysql_url, name)
        psql(args.mysql_url, f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        exists = psql(args.mysql_url, "SELECT COUNT(*) FROM information_schema.tables "
                                      f"WHERE table_schema = '{name}' AND table_name = 'products'") == "1"
        count = int(psql(url, "SELECT COUNT(*) FROM products")) if exists else 0
    else:
        name = f"oxcart_bench_{size}"
        url = with_database(args.postgres_url, name)
        if not psql(args.postgres_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            psql(args.postgres_url, f"CREATE DATABASE {name}")
        exists = psql(url, "SELECT to_regclass('products') IS NOT NULL") == "t"
        count = int(psql(url, "SELECT COUNT(*) FROM products")) if exists else 0
    env = dict(os.environ, OXCART_DATABASE_URL=url, OXCART_ADMIN_PASSWORD=ADMIN_PASSWORD, OXCART_LOG_LEVEL="warn")
    if count < size:
        print(f"   seeding {size} products on {engine} (once; kept in {args.cache} or the server)", flush=True)
        subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "seed", "--demo", "--products", str(size - 45)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "admin", "create", "--email", ADMIN_EMAIL, "--name", "Bench"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    return url


def stand_in_for_autovacuum(engine, url):
    """A PostgreSQL server with autovacuum off (this machine's is) never analyzes a table after
    seeding, so its planner takes the cart and order tables for empty and picks plans that
    scan the variants. One with autovacuum on analyzes them as they grow; this does it once,
    after the carts exist."""
    if engine == "postgres" and psql(url, "SHOW autovacuum") == "off":
        psql(url, "VACUUM ANALYZE")


def make_carts(port, variants, count, with_item=True, code=None):
    """Guest carts, made by 8 clients at once. With an item, each holds one unit of a stocked
    variant and ships to California (the demo's US region: sales tax added) by the region's
    second option (Express, priced by weight), chosen as a shopper would before paying; with a
    `code`, the shopper has entered that promotion code too."""
    def batch(worker):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ids = []
        for n in range(worker, count, 8):
            cart = expect(api(port, "POST", "/v1/carts", conn=conn), 201, "new cart")["id"]
            if with_item:
                item = {"variant_id": variants[n % len(variants)], "quantity": 1}
                expect(api(port, "POST", f"/v1/carts/{cart}/items", item, conn=conn), 200, "add to cart")
                address = {"country": "US", "province": "CA"}
                expect(api(port, "PUT", f"/v1/carts/{cart}/shipping-address", address, conn=conn), 200, "address")
                options = expect(api(port, "GET", f"/v1/carts/{cart}/shipping-options", conn=conn), 200, "options")
                choice = {"shipping_option_id": options["data"][-1]["id"]}
                priced = expect(api(port, "PUT", f"/v1/carts/{cart}/shipping-option", choice, conn=conn), 200, "option")
                if not priced["tax_total"]["amount"] or not priced["shipping_total"]["amount"]:
                    raise SystemExit(f"a bench cart is not taxed and shipped: {priced}")
                if code:
                    coded = expect(api(port, "POST", f"/v1/carts/{cart}/promotion-codes", {"code": code}, conn=conn),
                                   200, "promotion code")
                    if not coded["discount_total"]["amount"]:
                        raise SystemExit(f"a bench cart's code took nothing off: {coded}")
            ids.append(cart)
        conn.close()
        return ids
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return [c for ids in pool.map(batch, range(8)) for c in ids]


def catalog_sample(port, token):
    """Product pages and searches to rotate over, and 40 variants stocked to a million units."""
    handles, cursor = [], None
    while len(handles) < 2000:
        page = expect(api(port, "GET", "/v1/products?limit=100" + (f"&cursor={cursor}" if cursor else "")), 200,
                      "product list")
        handles += [p["handle"] for p in page["data"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    titles = []
    variants = []
    for handle in handles[:40]:
        product = expect(api(port, "GET", f"/v1/products/{handle}"), 200, "product")
        titles.append(product["title"])
        variant = product["variants"][0]["id"]
        expect(api(port, "POST", f"/v1/admin/inventory/{variant}/adjustments",
                   {"delta": 1_000_000, "reason": "bench stock"}, token), 200, "stock up")
        variants.append(variant)
    words = sorted({w.lower() for t in titles for w in t.split() if len(w) > 3})
    searches = [f"/v1/products?q={w}" for w in words] + [
        f"/v1/products?q={a.lower()}+{b.lower()}" for a, b in (t.split()[-2:] for t in titles if len(t.split()) > 1)]
    lists = ["/v1/products?limit=20", "/v1/products?limit=20&sort=price_asc", "/v1/products?limit=20&sort=title",
             "/v1/products?limit=20&category=apparel"]
    return [f"/v1/products/{h}" for h in handles], searches, lists, variants


def measure(proc, script, url, args, workdir, connections=32, threads=2):
    """Full speed, then half of it; with the peak RSS of the full-speed run."""
    proc.reset_peak()
    full = wrk.run(script(), url, workdir, args.seconds, connections, threads)
    full["peak_rss_mb"] = proc.status_kb("VmHWM") / 1024
    half = wrk.run(script(), url, workdir, args.seconds, max(threads, connections // 2), threads,
                   rate=full["rps"] / 2)
    full["half"] = half
    return full


def bench_oxcart(args, engine, size, workdir):
    url = prepare(args, engine, size)
    port = free_port()
    env = dict(os.environ, OXCART_DATABASE_URL=url, OXCART_LISTEN=f"127.0.0.1:{port}", OXCART_LOG_LEVEL="warn",
               OXCART_DATA_DIR=workdir)
    proc = Process([args.binary, "serve"], env, port, "/v1/products?limit=20", os.path.join(workdir, "oxcart.log"))
    result = {"engine": engine, "size": size, "cold_start_ms": proc.cold_start_ms}
    time.sleep(1)
    result["idle_rss_mb"] = proc.status_kb("VmRSS") / 1024
    try:
        token = expect(api(port, "POST", "/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
                       200, "admin login")["token"]
        details, searches, lists, variants = catalog_sample(port, token)
        base = f"http://127.0.0.1:{port}"
        add_carts = make_carts(port, variants, 1000, with_item=False)
        runs = result["scenarios"] = {}
        runs["product list (20)"] = measure(proc, lambda: wrk.rotating_get(lists[:1]), base, args, workdir)
        runs["product detail"] = measure(proc, lambda: wrk.rotating_get(details), base, args, workdir)
        runs["text search"] = measure(proc, lambda: wrk.rotating_get(searches), base, args, workdir)
        result["single_client"], uncached = reads_without_cache(args, url, workdir, details, searches, lists)
        runs.update(uncached)
        runs["add to cart"] = measure(proc, lambda: wrk.add_to_cart(add_carts, variants), base, args, workdir)
        stand_in_for_autovacuum(engine, url)
        runs["guest checkout, whole"] = measure(proc, lambda: wrk.checkout_flow(variants), base, args, workdir,
                                                connections=16, threads=16)
        # The checkout POST alone, on carts made beforehand: enough for the run at full speed
        # (judged from the whole flow's rate) and then for the one at half speed.
        guess = max(200, int(runs["guest checkout, whole"]["marks_per_s"] * 4 * args.seconds))
        ready = make_carts(port, variants, guess)
        proc.reset_peak()
        full = wrk.run(wrk.checkout_carts(ready, 2), base, workdir, args.seconds, 32, 2)
        full["peak_rss_mb"] = proc.status_kb("VmHWM") / 1024
        ready = make_carts(port, variants, int(full["rps"] / 2 * args.seconds * 1.2) + 50)
        full["half"] = wrk.run(wrk.checkout_carts(ready, 2), base, workdir, args.seconds, 16, 2, rate=full["rps"] / 2)
        runs["checkout POST"] = full
        # The same with a promotion code on every cart (10% off, its limit guarded): issue 22
        # asks that it stay within 15% of the checkout without one, in the same run. It combines
        # with the demo's automatic sale and free shipping, which apply to some carts in both.
        promotion = {"name": "Bench 10%", "class": "order", "type": "percentage", "percentage_bps": 1000,
                     "trigger": "code", "code": BENCH_CODE, "usage_limit": 1_000_000_000,
                     "combines_with": ["product", "shipping"]}
        made = api(port, "POST", "/v1/admin/promotions", promotion, token)
        if made[0] != 201 and (made[0] != 409 or made[1].get("code") != "promotion_code_taken"):
            sys.exit(f"bench: bench promotion: HTTP {made[0]} {str(made[1])[:300]}")  # 409: kept from a run before
        coded = make_carts(port, variants, guess, code=BENCH_CODE)
        proc.reset_peak()
        with_code = wrk.run(wrk.checkout_carts(coded, 2), base, workdir, args.seconds, 32, 2)
        with_code["peak_rss_mb"] = proc.status_kb("VmHWM") / 1024
        coded = make_carts(port, variants, int(with_code["rps"] / 2 * args.seconds * 1.2) + 50, code=BENCH_CODE)
        with_code["half"] = wrk.run(wrk.checkout_carts(coded, 2), base, workdir, args.seconds, 16, 2,
                                    rate=with_code["rps"] / 2)
        runs["checkout POST, with a code"] = with_code
        ready = make_carts(port, variants, 1500)
        runs["mixed shoppers"] = measure(
            proc, lambda: wrk.mixed(lists, details, searches, add_carts, variants, ready, 2), base, args, workdir)
        result["rss_after_mb"] = proc.status_kb("VmRSS") / 1024
    finally:
        proc.stop()
    return result


def reads_without_cache(args, url, workdir, details, searches, lists):
    """The read scenarios again on a second server over the same database with the catalog cache
    off (`OXCART_CATALOG_CACHE_MS=0`): what every URL the cache has not seen in the last second
    costs, which in a real shop (filters, sorts, cursors, search words) is most of them."""
    port = free_port()
    env = dict(os.environ, OXCART_DATABASE_URL=url, OXCART_LISTEN=f"127.0.0.1:{port}", OXCART_LOG_LEVEL="warn",
               OXCART_DATA_DIR=workdir, OXCART_CATALOG_CACHE_MS="0")
    proc = Process([args.binary, "serve"], env, port, "/v1/products?limit=20", os.path.join(workdir, "uncached.log"))
    base = f"http://127.0.0.1:{port}"
    try:
        single = single_client(base, args, workdir, searches, lists)
        return single, {
            "product list (20), cache off": measure(proc, lambda: wrk.rotating_get(lists[:1]), base, args, workdir),
            "product lists, 4 sorts and filters, cache off": measure(
                proc, lambda: wrk.rotating_get(lists), base, args, workdir),
            "product detail, cache off": measure(proc, lambda: wrk.rotating_get(details), base, args, workdir),
            "text search, cache off": measure(proc, lambda: wrk.rotating_get(searches), base, args, workdir),
        }
    finally:
        proc.stop()


def single_client(base, args, workdir, searches, lists):
    """One client at a time, cache off: the latency a shopper sees at this catalog size for a list,
    a filter, a sort, a page deep behind a cursor and a search."""
    port = int(base.rsplit(":", 1)[1])
    path, cursor = "/v1/products?limit=100&sort=price_asc", None
    for _ in range(20):  # 2,000 products deep, or the last page of a smaller catalog
        page = expect(api(port, "GET", path + (f"&cursor={cursor}" if cursor else "")), 200, "price pages")
        cursor = page.get("next_cursor") or cursor
        if not page.get("next_cursor"):
            break
    deep = f"/v1/products?limit=20&sort=price_asc&cursor={cursor}" if cursor else lists[1]
    paths = {"list": lists[:1], "filter (category)": lists[3:4], "sort (price)": lists[1:2],
             "deep cursor page": [deep], "search": searches}
    return {name: wrk.run(wrk.rotating_get(urls), base, workdir, args.seconds, 1, 1) for name, urls in paths.items()}


def bench_limits(args, workdir):
    """The machine's limits: axum alone, axum with one sqlx query, and pgbench."""
    name = "oxcart_bench_baseline"
    if not psql(args.postgres_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        psql(args.postgres_url, f"CREATE DATABASE {name}")
    db_url = with_database(args.postgres_url, name)
    port = free_port()
    env = dict(os.environ, BASELINE_LISTEN=f"127.0.0.1:{port}", BASELINE_DATABASE_URL=db_url)
    proc = Process([args.baseline], env, port, "/hello", os.path.join(workdir, "baseline.log"))
    base = f"http://127.0.0.1:{port}"
    ids = [f"/product/{(n * 7919) % 100000 + 1}" for n in range(2000)]
    try:
        limits = {
            "axum /hello": measure(proc, lambda: wrk.rotating_get(["/hello"]), base, args, workdir),
            "axum + sqlx /product/{id}": measure(proc, lambda: wrk.rotating_get(ids), base, args, workdir),
        }
        limits["axum /hello"]["idle_rss_mb"] = None
    finally:
        proc.stop()
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", db_url], check=True, capture_output=True)
    out = subprocess.run(["pgbench", "-n", "-c", "10", "-j", "2", "-T", str(args.seconds * 2), db_url],
                         check=True, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    limits["pgbench TPC-B"] = {"tps": tps, "latency_ms": latency}
    if "mysql" in args.engines.split(","):
        limits["sysbench oltp_read_write"] = sysbench(args)
    return limits


def sysbench(args):
    """MariaDB's limit, as pgbench is PostgreSQL's: sysbench's oltp_read_write (18 statements a
    transaction: 14 reads, 4 writes) with 10 threads on 4 tables of 10,000 rows."""
    name = "oxcart_bench_sysbench"
    psql(args.mysql_url, f"DROP DATABASE IF EXISTS {name}")
    psql(args.mysql_url, f"CREATE DATABASE {name}")
    u = urllib.parse.urlsplit(args.mysql_url)
    common = ["oltp_read_write", "--db-driver=mysql", f"--mysql-host={u.hostname}", f"--mysql-port={u.port or 3306}",
              f"--mysql-user={u.username or 'root'}", f"--mysql-password={u.password or ''}", f"--mysql-db={name}",
              "--tables=4", "--table-size=10000"]
    subprocess.run(["sysbench", *common, "prepare"], check=True, capture_output=True)
    out = subprocess.run(["sysbench", *common, "--threads=10", f"--time={args.seconds * 2}", "run"],
                         check=True, capture_output=True, text=True).stdout
    psql(args.mysql_url, f"DROP DATABASE IF EXISTS {name}")
    tps = float(re.search(r"transactions:\s+\d+\s+\(([\d.]+) per sec", out).group(1))
    qps = float(re.search(r"queries:\s+\d+\s+\(([\d.]+) per sec", out).group(1))
    latency = float(re.search(r"avg:\s+([\d.]+)", out).group(1))
    return {"tps": tps, "qps": qps, "latency_ms": latency}


def machine():
    cpu = re.search(r"model name\s*:\s*(.+)", open("/proc/cpuinfo").read())
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
    def version(cmd):
        done = subprocess.run(cmd, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    return {"cpu": cpu.group(1) if cpu else platform.processor(), "cores": os.cpu_count(), "memory_gib": mem,
            "kernel": platform.release(), "date": datetime.date.today().isoformat(),
            "rustc": version(["rustc", "--version"]), "postgres": version(["psql", "--version"]),
            "mariadb": version(["mariadb", "--version"]),
            "wrk": " ".join(version(["wrk", "-v"]).split()[:2])}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--postgres-url", required=True)
    ap.add_argument("--mysql-url", default="mysql://root@127.0.0.1:3306/test")
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--engines", default="sqlite,postgres,mysql")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--cache", required=True, help="where seeded SQLite catalogs are kept between runs")
    ap.add_argument("--results", required=True, help="JSON file for the raw figures")
    ap.add_argument("--write-doc", default="docs/BENCHMARKS.md")
    args = ap.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="oxcart-bench-")
    results = {"machine": machine(), "seconds": args.seconds, "runs": []}
    print("== limits: axum, axum + sqlx, pgbench, sysbench", flush=True)
    results["limits"] = bench_limits(args, workdir)
    for engine in args.engines.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"== oxcart on {engine}, {size} products", flush=True)
            results["runs"].append(bench_oxcart(args, engine, size, workdir))
            with open(args.results, "w") as f:
                json.dump(results, f, indent=1)
    with open(args.results, "w") as f:
        json.dump(results, f, indent=1)
    section = report.markdown(results)
    print(section)
    if args.write_doc:
        report.write_section(args.write_doc, section)
        print(f"bench: wrote {args.write_doc}; raw figures in {args.results}")


if __name__ == "__main__":
    main()
