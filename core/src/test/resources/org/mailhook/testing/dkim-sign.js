// Signs mails with mailauth's DKIM signer, an implementation independent of Mailhook's verifier.
// stdin: JSON [{"message": base64, "keys": [{"domain", "selector", "privateKey" (PEM)}]}]
// stdout: JSON [base64 of the signed message, one per input, in order]
'use strict';
const crypto = require('crypto');
const { dkimSign } = require('mailauth/lib/dkim/sign');
const { dkimVerify } = require('mailauth/lib/dkim/verify');

// The key record a verifier would find for a private key (RFC 6376 3.6.1; RFC 8463: raw Ed25519 key).
function keyRecord(privateKey) {
    const publicKey = crypto.createPublicKey(privateKey);
    const der = publicKey.export({ type: 'spki', format: 'der' });
    return publicKey.asymmetricKeyType === 'ed25519'
        ? 'v=DKIM1; k=ed25519; p=' + der.subarray(der.length - 32).toString('base64')
        : 'v=DKIM1; k=rsa; p=' + der.toString('base64');
}

// mailauth 4.13.3 now and then (about 1 in 500) emits a signature that its own verifier, and ours,
// reject: sign again until every signature verifies with mailauth itself, so tests get valid mail.
async function verifiesWithMailauth(signed, keys) {
    const records = new Map(keys.map(key => [`${key.selector}._domainkey.${key.domain}`.toLowerCase(), keyRecord(key.privateKey)]));
    const result = await dkimVerify(signed, {
        resolver: async (name, type) => {
            const record = records.get(name.toLowerCase());
            if (type === 'TXT' && record) {
                return [[record]];
            }
            const error = new Error('no record');
            error.code = 'ENOTFOUND';
            throw error;
        }
    });
    return result.results.length === keys.length && result.results.every(r => r.status.result === 'pass');
}

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const signed = [];
    for (const request of requests) {
        const message = Buffer.from(request.message, 'base64');
        let output = null;
        for (let attempt = 0; attempt < 5 && output === null; attempt++) {
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
            const candidate = Buffer.concat([Buffer.from(result.signatures, 'utf8'), message]);
            if (await verifiesWithMailauth(candidate, request.keys)) {
                output = candidate;
            }
        }
        if (output === null) {
            throw new Error('mailauth produced no verifiable signature in 5 attempts');
        }
        signed.push(output.toString('base64'));
    }
    process.stdout.write(JSON.stringify(signed));
}

main().catch(err => {
    console.error(err.stack || String(err));
    process.exit(1);
});
