#!/usr/bin/env python3
"""Catalog browsing benchmark: latency of the product list under each sort, filter and search
on a large catalog.

    cargo build --release
    python3 bench/browse.py --products 100000            # SQLite in a temp directory
    python3 bench/browse.py --products 100000 --database-url postgres://postgres@127.0.0.1/bench

It seeds with `oxcart seed --demo --products N` (skipped when the database already has that
many products), starts `oxcart serve` on a free port, walks each scenario with one keep-alive
client (sequential latency), then with several clients at once (throughput), and prints a
Markdown table for docs/BENCHMARKS.md. Standard library only.
"""

import argparse, http.client, json, os, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port  # noqa: E402

SCENARIOS = [
    ("newest, first page", "/v1/products"),
    ("newest, 100 per page", "/v1/products?limit=100"),
    ("newest, page 50 (cursor)", None),  # filled in by walking 49 pages
    ("sort=price_asc", "/v1/products?sort=price_asc"),
    ("sort=price_desc", "/v1/products?sort=price_desc"),
    ("sort=title", "/v1/products?sort=title"),
    ("category=apparel (subtree)", "/v1/products?category=apparel"),
    ("min_price=5000&max_price=6000", "/v1/products?min_price=5000&max_price=6000"),
    ("q=merino (search)", "/v1/products?q=merino"),
    ("q=rustic+linen (2 words)", "/v1/products?q=rustic+linen"),
    ("q=bottle&sort=price_asc", "/v1/products?q=bottle&sort=price_asc"),
    ("product by handle", "/v1/products/classic-crew-tee"),
]


def get(conn, path):
    conn.request("GET", path)
    res = conn.getresponse()
    body = res.read()
    if res.status != 200:
        sys.exit(f"{path}: HTTP {res.status} {body[:200]!r}")
    return body


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--database-url")
    ap.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "oxcart"))
    ap.add_argument("--requests", type=int, default=200, help="per scenario, sequential")
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="oxcart-bench-")
    url = args.database_url or f"sqlite://{work}/bench.db?mode=rwc"
    # The catalog cache off: this times the queries themselves (bench/run measures the cache).
    env = dict(os.environ, OXCART_DATABASE_URL=url, OXCART_LOG_LEVEL="warn", OXCART_DATA_DIR=work,
               OXCART_CATALOG_CACHE_MS="0")
    subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    env["OXCART_LISTEN"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        have = count_products(conn)
        if have < args.products:
            server.terminate(); server.wait()
            seed = [args.binary, "seed", "--products", str(args.products - have)]
            if have == 0:
                seed.insert(2, "--demo")
            started = time.time()
            subprocess.run(seed, env=env, check=True, stdout=subprocess.DEVNULL)
            print(f"seeded {args.products - have} products in {time.time() - started:.0f} s", file=sys.stderr)
            server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
            time.sleep(1.0)
            conn = http.client.HTTPConnection("127.0.0.1", port)
        rss = rss_mb(server.pid)
        rows = []
        for name, path in SCENARIOS:
            if path is None:
                path = cursor_path(conn, "/v1/products", 49)
            for _ in range(5):
                get(conn, path)  # warm caches
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                get(conn, path)
                times.append((time.perf_counter() - t) * 1000)
            rps = throughput(port, path, args.clients)
            rows.append((name, percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99), rps))
        engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"\n{engine}, {count_products(conn)} published products, {args.requests} sequential requests per row, "
              f"then {args.clients} clients for 3 s. Server RSS after seeding and start: {rss} MB.\n")
        print("| scenario | p50 ms | p95 ms | p99 ms | req/s with %d clients |" % args.clients)
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, p50, p95, p99, rps in rows:
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {rps:.0f} |")
        print(f"\nServer RSS after the run: {rss_mb(server.pid)} MB.")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def count_products(conn):
    # No count endpoint by design (it would be a full scan); walk 100 at a time only when small.
    n, path = 0, "/v1/products?limit=100&sort=newest"
    while path:
        page = json.loads(get(conn, path))
        n += len(page["data"])
        if n >= 1000 or not page["next_cursor"]:
            break
        path = f"/v1/products?limit=100&sort=newest&cursor={page['next_cursor']}"
    if n >= 1000:
        return estimate(conn)
    return n


def estimate(conn):
    path, n = "/v1/products?limit=100", 0
    while True:
        page = json.loads(get(conn, path))
        n += len(page["data"])
        if not page["next_cursor"]:
            return n
        path = f"/v1/products?limit=100&cursor={page['next_cursor']}"


def cursor_path(conn, base, pages):
    path = base
    for _ in range(pages):
        page = json.loads(get(conn, path))
        path = f"{base}?cursor={page['next_cursor']}"
    return path


def throughput(port, path, clients, seconds=3.0):
    done = [0] * clients
    stop = time.time() + seconds

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.time() < stop:
            get(conn, path)
            done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    return sum(done) / seconds


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return "?"


if __name__ == "__main__":
    main()
