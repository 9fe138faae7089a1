// Authenticates mails with mailauth's authenticate(), an implementation independent of Mailhook's, against
// the DNS server each request names, and prints mailauth's SPF, DKIM and DMARC verdicts.
// stdin: JSON [{"message": base64, "ip", "helo", "sender", "dns": "127.0.0.1:PORT", "timeoutMs"}]
// stdout: JSON [{"spf", "dkim": [results], "dmarc": {"result", "policy", "pct"} or null when mailauth gives none}]
'use strict';
const { Resolver } = require('node:dns').promises;
const { authenticate } = require('mailauth');

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const verdicts = [];
    for (const request of requests) {
        const dns = new Resolver({ timeout: request.timeoutMs, tries: 1 });
        dns.setServers([request.dns]);
        const result = await authenticate(Buffer.from(request.message, 'base64'), {
            ip: request.ip,
            helo: request.helo,
            sender: request.sender,
            mta: 'mx.mailhook.test',
            resolver: (name, type) => dns.resolve(name, type),
            disableArc: true,
            disableBimi: true
        });
        verdicts.push({
            spf: result.spf ? result.spf.status.result : null,
            dkim: (result.dkim.results || []).map(r => r.status.result),
            dmarc: result.dmarc
                ? { result: result.dmarc.status.result, policy: result.dmarc.policy || null, pct: result.dmarc.pct ?? null }
                : null
        });
    }
    process.stdout.write(JSON.stringify(verdicts));
}

main().catch(err => {
    console.error(err.stack || String(err));
    process.exit(1);
});
