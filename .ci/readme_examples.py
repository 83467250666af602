#!/usr/bin/env python3
"""Runs the README's API examples, as written and in order, against a fresh demo store.

Every ```sh block from "## Using the API" up to "## Commands" is one step, except a block that
starts a server (`cargo run`). `localhost:8080` becomes the test server's address; the rest is
run by bash exactly as a newcomer pastes it, in the server's working directory (so
`oxcart-data/demo-admin.txt` is where the README says). curl answers that are not 2xx fail the
run (`--fail-with-body`), and so does any other failing command (`set -euo pipefail`).

    python3 .ci/readme_examples.py --binary target/debug/oxcart [--readme README.md]
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def blocks(readme):
    text = open(readme, encoding="utf-8").read()
    start = text.index("## Using the API")
    end = text.index("## Commands", start)
    found = re.findall(r"```sh\n(.*?)```", text[start:end], flags=re.S)
    return [b for b in found if "cargo run" not in b]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--readme", default="README.md")
    args = parser.parse_args()
    if not shutil.which("jq"):
        sys.exit("FAIL: the README's examples use jq; install it (apt-get install jq)")
    steps = blocks(args.readme)
    if len(steps) < 5:
        sys.exit(f"FAIL: found only {len(steps)} example blocks in {args.readme}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tempfile.mkdtemp(prefix="oxcart-readme-")
    env = {**os.environ, "OXCART_LISTEN": f"127.0.0.1:{port}", "OXCART_LOG_LEVEL": "warn"}
    env.pop("OXCART_DATABASE_URL", None)
    server = subprocess.Popen([os.path.abspath(args.binary)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        prelude = ("set -euo pipefail\n"
                   "curl() { command curl --fail-with-body --show-error \"$@\" && echo; }\n")
        for n, step in enumerate(steps, 1):
            prelude += f"echo '--- example {n}'\n" + step.replace("localhost:8080", f"127.0.0.1:{port}") + "\n"
        run = subprocess.run(["bash", "-c", prelude], cwd=work, capture_output=True, text=True, timeout=300)
        print(run.stdout[-6000:])
        if run.returncode != 0:
            print(run.stderr[-4000:])
            sys.exit(f"FAIL: a README example failed (exit {run.returncode}); the last '--- example N' above is the block")
        print(f"README examples: all {len(steps)} blocks ran")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
