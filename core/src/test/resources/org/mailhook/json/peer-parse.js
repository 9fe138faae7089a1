// Parses mails with two independent parsers, Node's mailparser and postal-mime, for the differential
// test (MimeDifferentialTest). stdin: one file path per line. stdout: one JSON line per file, in order:
// {"file", "mailparser": fields | {"error"}, "postalMime": fields | {"error"}}, where fields are
// the values both parsers expose: subject, from/to/cc [{address, name}], messageId, date (ISO),
// text, html, attachments [{sha256, filename, contentId, inline}].
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { simpleParser } = require('mailparser');
const PostalMime = require('postal-mime').default || require('postal-mime');

const sha256 = (bytes) => crypto.createHash('sha256').update(Buffer.from(bytes)).digest('hex');

function addresses(list) {
    const out = [];
    const walk = (a) => {
        if (!a) return;
        if (Array.isArray(a)) { a.forEach(walk); return; }
        if (Array.isArray(a.group)) { a.group.forEach(walk); return; }
        if (a.value) { walk(a.value); return; }
        if (a.address !== undefined || a.name !== undefined) out.push({ address: a.address || '', name: a.name || '' });
    };
    walk(list);
    return out;
}

function isoDate(d) {
    if (!d) return null;
    const date = d instanceof Date ? d : new Date(d);
    return isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function withMailparser(buf) {
    const m = await simpleParser(buf, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    return {
        subject: m.subject || '',
        from: addresses(m.from), to: addresses(m.to), cc: addresses(m.cc),
        messageId: m.messageId || '',
        date: isoDate(m.date),
        text: m.text || '', html: typeof m.html === 'string' ? m.html : '',
        attachments: (m.attachments || []).map((a) => ({
            sha256: sha256(a.content), filename: a.filename || '', contentId: a.contentId || '',
            inline: a.contentDisposition === 'inline' })),
    };
}

async function withPostalMime(buf) {
    const m = await PostalMime.parse(buf, { attachmentEncoding: 'arraybuffer' });
    return {
        subject: m.subject || '',
        from: addresses(m.from), to: addresses(m.to), cc: addresses(m.cc),
        messageId: m.messageId || '',
        date: isoDate(m.date),
        text: m.text || '', html: m.html || '',
        attachments: (m.attachments || []).map((a) => ({
            sha256: sha256(new Uint8Array(a.content)), filename: a.filename || '', contentId: a.contentId || '',
            inline: a.disposition === 'inline' })),
    };
}

async function safely(parse, buf) {
    try {
        return await parse(buf);
    } catch (e) {
        return { error: String(e && e.message || e) };
    }
}

(async () => {
    const files = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
    for (const file of files) {
        const buf = fs.readFileSync(file);
        const line = { file, mailparser: await safely(withMailparser, buf), postalMime: await safely(withPostalMime, buf) };
        process.stdout.write(JSON.stringify(line) + '\n');
    }
})().catch((e) => { console.error(e); process.exit(1); });
