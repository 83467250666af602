#!/usr/bin/env python3
"""End-to-end email check against an external SMTP server (aiosmtpd), on one database URL.

    python3 .ci/e2e_mail.py --binary target/debug/oxcart --database-url sqlite:///tmp/x.db?mode=rwc

Starts aiosmtpd (it must be importable) with a Maildir, then `oxcart serve` pointed at it;
creates an admin, a product and a guest cart; checks out; and waits for exactly one order
confirmation. Then it registers a customer, resets their password through the emailed token,
and signs in with the new password. Exits non-zero on any failure. Standard library only,
besides aiosmtpd itself.
"""

import argparse, json, mailbox, os, quopri, re, socket, subprocess, sys, tempfile, time, urllib.request, urllib.error


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None, expect=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if expect is not None and status != expect:
        sys.exit(f"FAIL {method} {path}: expected {expect}, got {status}: {text[:300]}")
    return json.loads(text) if text else None


def messages(maildir):
    box = mailbox.Maildir(maildir, create=False)
    out = []
    for msg in box:
        parts = msg.walk() if msg.is_multipart() else [msg]
        text = ""
        for part in parts:
            if part.get_content_type() == "text/plain":
                text += part.get_payload(decode=True).decode("utf-8", "replace")
        out.append((msg["Subject"] or "", msg["Message-ID"] or "", text))
    return out


def wait(predicate, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    sys.exit(f"FAIL: timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--database-url", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="oxcart-e2e-mail-")
    maildir = os.path.join(work, "maildir")
    smtp_port, http_port = free_port(), free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
                             "-c", "aiosmtpd.handlers.Mailbox", maildir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, OXCART_DATABASE_URL=args.database_url, OXCART_DATA_DIR=work,
               OXCART_LISTEN=f"127.0.0.1:{http_port}", OXCART_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
               OXCART_MAIL_FROM="Oxcart CI <ci@example.com>", OXCART_OUTBOX_POLL_MS="100",
               OXCART_LOG_LEVEL="warn", OXCART_ADMIN_PASSWORD="admin password")
    server = None
    try:
        wait(lambda: os.path.isdir(maildir) or smtp.poll() is not None, "aiosmtpd")
        if smtp.poll() is not None:
            sys.exit("FAIL: aiosmtpd did not start")
        subprocess.run([args.binary, "admin", "create", "--email", "ci@example.com", "--name", "CI"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{http_port}"
        wait(lambda: _ready(base), "oxcart to listen")
        admin = call(base, "POST", "/v1/auth/login", {"email": "ci@example.com", "password": "admin password"}, expect=200)["token"]
        product = call(base, "POST", "/v1/admin/products", {"title": "CI Mug", "status": "published",
                       "variants": [{"sku": "CI-MUG", "price": 1200, "stock": 3}]}, token=admin, expect=201)
        cart = call(base, "POST", "/v1/carts", expect=201)["id"]
        call(base, "POST", f"/v1/carts/{cart}/items", {"variant_id": product["variants"][0]["id"], "quantity": 1}, expect=200)
        order = call(base, "POST", f"/v1/carts/{cart}/checkout", {"email": "buyer@example.com",
                     "shipping_address": {"name": "Buyer", "line1": "1 St", "city": "Paris", "postal_code": "75001", "country": "FR"},
                     "payment": {"provider": "test", "payment_method": "pm_card_visa"}}, expect=201)
        subject = f"Order {order['number']} confirmed"
        wait(lambda: [m for m in messages(maildir) if subject in m[0]], "the order confirmation")
        time.sleep(2)
        confirmations = [m for m in messages(maildir) if subject in m[0]]
        if len(confirmations) != 1:
            sys.exit(f"FAIL: expected one confirmation, got {len(confirmations)}")
        link = re.search(r"/#/order/(ord_[A-Za-z0-9]+)\?token=([A-Za-z0-9_-]+)", confirmations[0][2])
        if not link:
            sys.exit("FAIL: the confirmation has no link to the order page")
        call(base, "GET", f"/v1/orders/{link.group(1)}?token={link.group(2)}", expect=200)
        print(f"ok: one confirmation for order {order['number']} ({confirmations[0][1]}), and its link opens the order")

        call(base, "POST", "/v1/auth/register", {"email": "ann@example.com", "password": "correct horse", "name": "Ann"}, expect=201)
        call(base, "POST", "/v1/auth/password-reset", {"email": "ann@example.com"}, expect=202)
        reset = wait(lambda: [m for m in messages(maildir) if "Reset your" in m[0]], "the reset email")
        token = re.search(r"(pwr_[A-Za-z0-9_-]+)", reset[0][2]).group(1)
        call(base, "POST", "/v1/auth/password-reset/confirm", {"token": token, "password": "a new secret!"}, expect=204)
        call(base, "POST", "/v1/auth/login", {"email": "ann@example.com", "password": "a new secret!"}, expect=200)
        call(base, "POST", "/v1/auth/password-reset/confirm", {"token": token, "password": "again secret"}, expect=400)
        print("ok: password reset round trip through real SMTP")
    finally:
        if server:
            server.terminate()
            server.wait()
        smtp.terminate()
        smtp.wait()


def _ready(base):
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as res:
            return res.status == 200
    except Exception:
        return False


if __name__ == "__main__":
    main()
