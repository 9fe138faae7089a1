#!/usr/bin/env python3
"""Mailhook webhook receiver, Python standard library only.

Verifies the Standard Webhooks signature over the raw body, stores the webhook under a UNIQUE
webhook-id (so a retried delivery is recognised), answers 200 at once and does the work afterwards.

    WEBHOOK_SECRET=whsec_... PORT=8000 DATA_DIR=. python3 receiver.py
"""
import base64
import hashlib
import hmac
import json
import os
import queue
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
SECRET = os.environ["WEBHOOK_SECRET"]
KEY = base64.b64decode(SECRET[len("whsec_"):] if SECRET.startswith("whsec_") else SECRET)
DB_PATH = os.path.join(os.environ.get("DATA_DIR", "."), "webhooks.sqlite")

db_lock = threading.Lock()
db = sqlite3.connect(DB_PATH, check_same_thread=False)
db.execute("CREATE TABLE IF NOT EXISTS webhooks ("
           " webhook_id TEXT PRIMARY KEY,"  # the unique constraint that makes retries harmless
           " received_at INTEGER NOT NULL,"
           " body BLOB NOT NULL)")
db.commit()
work = queue.Queue()


def verify(headers, body):
    """Returns None when the request is authentic, else the reason."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook headers"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "bad webhook-timestamp"
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        return "webhook-timestamp outside tolerance"
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body  # the raw bytes, never re-serialised JSON
    expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return None
    return "no matching signature"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        problem = verify(self.headers, body)
        if problem:
            return self.answer(401, {"error": problem})
        msg_id = self.headers["webhook-id"]
        try:
            with db_lock, db:
                db.execute("INSERT INTO webhooks (webhook_id, received_at, body) VALUES (?, ?, ?)",
                           (msg_id, int(time.time()), body))
        except sqlite3.IntegrityError:
            # Seen before: Mailhook retried after a timeout or lost ack. Ack again, do nothing.
            return self.answer(200, {"status": "duplicate"})
        self.answer(200, {"status": "accepted"})
        work.put((msg_id, body))  # stored durably above; the slow work happens after the ack

    def answer(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def worker():
    while True:
        msg_id, body = work.get()
        mail = json.loads(body)
        print(f"processed {msg_id} ({len(mail)} fields)", flush=True)


if __name__ == "__main__":
    threading.Thread(target=worker, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/webhook", flush=True)
    server.serve_forever()
