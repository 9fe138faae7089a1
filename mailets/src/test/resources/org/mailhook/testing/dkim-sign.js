// Signs mails with mailauth's DKIM signer, an implementation independent of Mailhook's verifier.
// stdin: JSON [{"message": base64, "keys": [{"domain", "selector", "privateKey" (PEM)}]}]
// stdout: JSON [base64 of the signed message, one per input, in order]
'use strict';
const { dkimSign } = require('mailauth/lib/dkim/sign');

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const signed = [];
    for (const request of requests) {
        const message = Buffer.from(request.message, 'base64');
        const result = await dkimSign(message, {
            canonicalization: 'relaxed/relaxed',
            signatureData: request.keys.map(key => ({
                signingDomain: key.domain,
                selector: key.selector,
                privateKey: key.privateKey
            }))
        });
        if (result.errors && result.errors.length) {
            throw new Error('signing failed: ' + JSON.stringify(result.errors));
        }
        signed.push(Buffer.concat([Buffer.from(result.signatures, 'utf8'), message]).toString('base64'));
    }
    process.stdout.write(JSON.stringify(signed));
}

main().catch(err => {
    console.error(err.stack || String(err));
    process.exit(1);
});
