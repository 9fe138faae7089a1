// Mailhook webhook receiver for Node, verifying with the official `standardwebhooks` package.
//
// Verifies the signature over the raw body, records the webhook-id under a unique constraint (so a
// retried delivery is recognised), answers 200 at once and does the work afterwards.
//
//   npm install standardwebhooks@1.1.1
//   WEBHOOK_SECRET=whsec_... PORT=8000 DATA_DIR=. node receiver.js
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { Webhook } = require("standardwebhooks");

const webhook = new Webhook(process.env.WEBHOOK_SECRET);
const seenDir = path.join(process.env.DATA_DIR || ".", "webhook-ids");
fs.mkdirSync(seenDir, { recursive: true });

// The unique constraint: creating a file with the "wx" flag fails if it exists (O_EXCL), atomically.
// With a database, use a UNIQUE/PRIMARY KEY column on webhook_id and treat a conflict the same way.
function recordOnce(msgId, body) {
  const name = crypto.createHash("sha256").update(msgId).digest("hex");
  try {
    fs.writeFileSync(path.join(seenDir, name), body, { flag: "wx" });
    return true;
  } catch (err) {
    if (err.code === "EEXIST") return false;
    throw err;
  }
}

const work = [];
function drain() {
  while (work.length > 0) {
    const { msgId, mail } = work.shift();
    console.log(`processed ${msgId} (${Object.keys(mail).length} fields)`);
  }
}

function answer(res, status, document) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(document));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks); // the raw bytes: never re-serialise JSON before verifying
    let mail;
    try {
      mail = webhook.verify(body, req.headers);
    } catch (err) {
      return answer(res, 401, { error: err.message });
    }
    const msgId = req.headers["webhook-id"];
    if (!recordOnce(msgId, body)) {
      return answer(res, 200, { status: "duplicate" }); // a retry of something we already have
    }
    answer(res, 200, { status: "accepted" });
    work.push({ msgId, mail }); // stored above; the slow work happens after the ack
    setImmediate(drain);
  });
});

server.listen(Number(process.env.PORT || 8000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhook`);
});
