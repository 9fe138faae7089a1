// The Mailhook operator console: plain JavaScript over the /mailhook/* APIs (docs/console.md).
// Mail content is only ever put in the page as text (textContent), never as markup; an HTML body
// is shown in a sandboxed frame without scripts, under a policy that blocks every remote load.
'use strict';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
const STATUSES = ['pending', 'retrying', 'parked', 'dead', 'delivered'];
// Results a verdict filter offers per check (RFC 7208 for SPF; RFC 8601's for DKIM, DMARC and ARC).
const VERDICT_RESULTS = {
  spf: ['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'],
  dkim: ['pass', 'fail', 'policy', 'neutral', 'none', 'permerror', 'temperror'],
  dmarc: ['pass', 'fail', 'none', 'permerror', 'temperror'],
  arc: ['pass', 'fail', 'none'],
};
const REPORT_KINDS = ['dmarc-aggregate', 'tls-rpt', 'dmarc-failure'];
const HTML_BODY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function say(text, isError) {
  notice.textContent = text;
  notice.className = isError ? 'error' : '';
}

async function api(method, path) {
  const response = await fetch(path, { method, credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).message || text; } catch (e) { /* not JSON */ }
    throw new Error(method + ' ' + path + ': ' + response.status + ' ' + message);
  }
  return text;
}

async function json(path) {
  return JSON.parse(await api('GET', path));
}

function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return entries.length ? '?' + entries.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&') : '';
}

function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** Asks, runs the API call, reports how many mails it touched, then redraws the page. */
async function act(question, method, path) {
  if (!(await confirmAction(question))) {
    say('Cancelled: nothing was changed.');
    return;
  }
  try {
    const text = await api(method, path);
    const body = text ? JSON.parse(text) : {};
    const count = body.redelivered !== undefined ? body.redelivered : body.released !== undefined ? body.released : 1;
    if (body.changed !== undefined) {
      say(body.changed ? 'Reparsed: revision ' + body.revision + ', message.updated sent to ' + body.notified.length + ' endpoint(s).'
        : 'Reparsed: unchanged (revision ' + body.revision + '), nothing sent. The audit log has the entry.');
    } else {
      say('Done: ' + count + ' mail' + (count === 1 ? '' : 's') + ' touched. The audit log has the entry.');
    }
  } catch (e) {
    say(e.message, true);
  }
  await route();
}

function table(caption, headers, rows) {
  return el('table', {},
    el('caption', { class: 'muted', text: caption }),
    el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: headers.length, class: 'muted', text: 'None.' }))]));
}

function row(...cells) {
  return el('tr', {}, cells.map(c => c instanceof Node && c.tagName === 'TD' ? c : el('td', {}, c === null || c === undefined ? '' : c)));
}

function addresses(list) {
  return (list || []).map(a => a.address || a.name || '').join(', ');
}

function statusTag(status) {
  return el('span', { class: status, text: status });
}

function field(label, name, value, type) {
  const id = 'f-' + name;
  return el('label', { for: id }, label, el('input', { id, name, type: type || 'text', value: value || '' }));
}

async function deliveries(params) {
  return (await json('/mailhook/deliveries' + query(Object.assign({ status: 'all', limit: 1000 }, params)))).deliveries;
}

function deliveryActions(d) {
  if (d.status === 'delivered' && d.key) {
    return el('button', { type: 'button', class: 'secondary', 'aria-label': 'Replay ' + (d.subject || d.key),
      onclick: () => act('Replay 1 mail ("' + (d.subject || '') + '") to endpoint ' + (d.endpoint || 'default')
        + ' with the same webhook-id ' + d.webhookId + '?', 'POST', '/mailhook/deliveries/delivered/' + encodeURIComponent(d.key) + '/redeliver') },
    'Replay');
  }
  if (d.status === 'dead' && d.key) {
    return el('button', { type: 'button', class: 'secondary', 'aria-label': 'Redeliver ' + (d.subject || d.key),
      onclick: () => act('Redeliver 1 dead letter ("' + (d.subject || '') + '") to endpoint ' + (d.endpoint || 'default')
        + ' with its webhook-id ' + d.webhookId + '?', 'POST', '/mailhook/deliveries/dead/' + encodeURIComponent(d.key) + '/redeliver') },
    'Redeliver');
  }
  return '';
}

const pages = {
  async overview() {
    const [all, quarantine, metrics] = await Promise.all([deliveries({}), json('/mailhook/quarantine?limit=1'),
      api('GET', '/metrics').catch(() => '')]);
    const metric = name => {
      const line = metrics.split('\n').find(l => l.startsWith(name + ' '));
      return line ? Math.round(Number(line.split(' ')[1])) : '–';
    };
    const count = status => all.filter(d => d.status === status).length;
    const cards = [['Accepted', metric('mailhook_mails_accepted_total')], ['Delivered (recorded)', count('delivered')],
      ['Pending', count('pending')], ['Retrying', count('retrying')], ['Parked', count('parked')],
      ['Dead letters', count('dead')], ['Quarantined', quarantine.total]];
    return [el('h1', { text: 'Overview' }),
      el('div', { class: 'counts', role: 'list' }, cards.map(([name, n]) =>
        el('div', { class: 'count', role: 'listitem', 'data-count': name }, el('span', { class: 'n', text: n }), name)))];
  },

  async messages(params) {
    const form = el('form', { class: 'search', role: 'search', 'aria-label': 'Search messages' },
      field('Recipient', 'recipient', params.recipient), field('Sender', 'sender', params.sender),
      field('Subject', 'subject', params.subject), field('Since (ISO-8601)', 'since', params.since),
      field('Until (ISO-8601)', 'until', params.until),
      el('label', { for: 'f-status' }, 'Delivery status', el('select', { id: 'f-status', name: 'status' },
        el('option', { value: '', text: 'any' }), STATUSES.map(s => el('option', { value: s, selected: params.status === s, text: s })))),
      Object.entries(VERDICT_RESULTS).map(([kind, results]) => el('label', { for: 'f-' + kind }, kind.toUpperCase() + ' result',
        el('select', { id: 'f-' + kind, name: kind },
          el('option', { value: '', text: 'any' }), results.map(s => el('option', { value: s, selected: params[kind] === s, text: s }))))),
      field('Mailhook id or webhook-id', 'id', params.id),
      el('button', { type: 'submit' }, 'Search'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      location.hash = '#/messages' + query(data);
    });
    if (params.id) {
      // an idempotency key (mh1_…) names the mail; a webhook-id names a delivery, which names the mail
      const id = params.id.trim();
      const match = id.startsWith('mh1_') ? null : (await deliveries({})).find(d => d.webhookId === id);
      if (id.startsWith('mh1_') || (match && match.mailhookId)) {
        return pages.message({}, match ? match.mailhookId : id);
      }
      return [el('h1', { text: 'Messages' }), form, el('p', { text: 'No delivery with webhook-id ' + id + '.' })];
    }
    const search = { recipient: params.recipient, sender: params.sender, subject: params.subject, since: params.since,
      until: params.until, spf: params.spf, dkim: params.dkim, dmarc: params.dmarc, arc: params.arc, after: params.after, limit: 50 };
    const page = await json('/mailhook/messages' + query(search));
    let messages = page.messages;
    if (params.status) {
      const ids = new Set((await deliveries({ status: params.status })).map(d => d.mailhookId));
      messages = messages.filter(m => m.message && ids.has(m.message.id));
    }
    const rows = messages.map(m => {
      const msg = m.message || {};
      return row(m.archivedAt, addresses(msg.from), addresses(msg.to) || (msg.envelope ? msg.envelope.rcptTo.join(', ') : ''),
        el('a', { href: '#/message/' + encodeURIComponent(m.id), text: msg.subject || '(no subject)' }));
    });
    const next = page.more ? el('a', { href: '#/messages' + query(Object.assign({}, params, { after: page.next })) }, 'Next page') : null;
    return [el('h1', { text: 'Messages' }), form,
      el('section', {}, table('Archived messages, oldest first', ['Archived', 'From', 'To', 'Subject'], rows), next)];
  },

  async message(params, id) {
    const base = '/mailhook/messages/' + encodeURIComponent(id);
    const sent = await api('GET', base);
    const msg = JSON.parse(sent);
    const env = msg.envelope || {};
    const security = msg.security || {};
    const quarantined = new Map((security.quarantined || []).map(q => [q.partId, q]));
    const attempts = (await deliveries({})).filter(d => d.mailhookId === msg.id);
    const auth = msg.auth || {};
    const verdictRows = ['spf', 'dkim', 'dmarc', 'arc'].flatMap(kind => {
      const value = auth[kind];
      const list = Array.isArray(value) ? value : value ? [value] : [];
      if (!list.length) return [row(kind.toUpperCase(), statusTag('none'), '', 'not checked')];
      return list.map(v => row(kind.toUpperCase(), statusTag(v.result || 'none'), v.domain || '',
        v.reason || [v.selector && 'selector ' + v.selector, v.policy && 'policy ' + v.policy, v.disposition && 'disposition ' + v.disposition]
          .filter(Boolean).join(', ')));
    });
    const partRows = (msg.attachments || []).map(a => {
      const q = quarantined.get(a.partId);
      return row(a.partId, a.filename || '(no name)', a.contentType, a.size,
        q ? el('span', {}, el('span', { class: 'tag quarantined', text: 'quarantined' }), ' ' + (q.verdict || '') + ': '
          + (q.reasons || []).map(r => typeof r === 'string' ? r : r.code || JSON.stringify(r)).join(', ')) : '',
        el('a', { href: base + '/attachments/' + encodeURIComponent(a.partId), download: '' }, 'Download part ' + a.partId));
    });
    const attemptRows = attempts.map(d => row(d.endpoint || 'default', statusTag(d.status), d.attempts, d.lastAttemptAt,
      d.lastStatus, d.lastError || d.deadReason || '', el('code', { class: 'webhook-id', text: d.webhookId }), deliveryActions(d)));
    const raw = el('pre', { id: 'raw-mime', hidden: true, 'aria-label': 'Raw MIME' });
    const showRaw = el('button', { type: 'button', class: 'secondary', onclick: async () => {
      raw.textContent = await api('GET', base + '/raw');
      raw.hidden = false;
    } }, 'Show raw MIME');
    const html = msg.html ? el('iframe', { class: 'html-body', title: 'HTML body (sandboxed, no scripts, no remote content)',
      sandbox: '', referrerpolicy: 'no-referrer' }) : el('p', { class: 'muted', text: 'No HTML body.' });
    if (msg.html) {
      html.srcdoc = '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="' + HTML_BODY_POLICY + '">' + msg.html;
    }
    return [el('h1', { text: msg.subject || '(no subject)' }),
      el('section', { 'aria-labelledby': 'h-envelope' }, el('h2', { id: 'h-envelope', text: 'Envelope' }),
        el('dl', { class: 'envelope' },
          [['Mailhook id', msg.id], ['Received', msg.receivedAt], ['MAIL FROM', env.mailFrom || '<>'], ['RCPT TO', (env.rcptTo || []).join(', ')],
            ['Client', (env.remoteAddress || '') + ' ' + (env.remoteHost || '')], ['HELO', env.helo], ['From', addresses(msg.from)],
            ['To', addresses(msg.to)], ['Message-ID', msg.messageId]].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v || '' })]))),
      el('section', { 'aria-labelledby': 'h-verdicts' }, el('h2', { id: 'h-verdicts', text: 'Authentication verdicts' }),
        table('SPF, DKIM, DMARC and ARC', ['Check', 'Result', 'Domain', 'Reason'], verdictRows)),
      el('section', { 'aria-labelledby': 'h-attempts' }, el('h2', { id: 'h-attempts', text: 'Delivery attempts' }),
        table('Per endpoint, with the webhook-id', ['Endpoint', 'Status', 'Attempts', 'Last attempt', 'HTTP status', 'Error', 'webhook-id', 'Action'],
          attemptRows)),
      el('section', { 'aria-labelledby': 'h-parts' }, el('h2', { id: 'h-parts', text: 'Attachments' }),
        table('Parsed parts', ['Part', 'File name', 'Type', 'Bytes', 'Quarantine', 'Download'], partRows)),
      el('section', { 'aria-labelledby': 'h-html' }, el('h2', { id: 'h-html', text: 'HTML body' }), html),
      el('section', { 'aria-labelledby': 'h-headers' }, el('h2', { id: 'h-headers', text: 'Headers' }),
        table('Decoded headers, in order', ['Name', 'Value'], (msg.headers || []).map(h => row(h.name, el('td', { class: 'wrap', text: h.value })))) ),
      el('section', { 'aria-labelledby': 'h-json' }, el('h2', { id: 'h-json', text: 'JSON as sent' }),
        el('p', {}, 'Revision ' + (msg.revision || 1) + ' (parser ' + ((msg.parser || {}).version || 'before versions') + ') ',
          el('button', { type: 'button', class: 'secondary', onclick: () => act('Reparse this mail with the current code? A changed'
            + ' result becomes revision ' + ((msg.revision || 1) + 1) + ' and a message.updated webhook to the endpoints that'
            + ' received it; an unchanged one sends nothing.', 'POST', base + '/reparse') }, 'Reparse')),
        el('pre', { id: 'json-as-sent', tabindex: '0', 'aria-label': 'JSON as sent', text: sent })),
      el('section', { 'aria-labelledby': 'h-raw' }, el('h2', { id: 'h-raw', text: 'Raw MIME' }), showRaw, ' ',
        el('a', { href: base + '/raw', download: '' }, 'Download raw MIME (.eml)'), raw)];
  },

  async reports(params) {
    const form = el('form', { class: 'search', role: 'search', 'aria-label': 'Filter reports' },
      el('label', { for: 'f-kind' }, 'Kind', el('select', { id: 'f-kind', name: 'kind' },
        el('option', { value: '', text: 'any' }), REPORT_KINDS.map(k => el('option', { value: k, selected: params.kind === k, text: k })))),
      field('Since (ISO-8601)', 'since', params.since), field('Until (ISO-8601)', 'until', params.until),
      el('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      location.hash = '#/reports' + query(Object.fromEntries(new FormData(form).entries()));
    });
    // The pull API's report search: only mails that carry a report, each with what it says passed and failed
    // per domain (reportCounts, as the metrics count them).
    const page = await json('/mailhook/messages' + query({ report: params.kind || 'any', since: params.since, until: params.until,
      after: params.after, limit: 50 }));
    const rows = page.messages.map(m => {
      const r = (m.message || {}).report || {};
      const counts = m.reportCounts || [];
      const sum = key => counts.reduce((total, c) => total + (c[key] || 0), 0);
      const range = r.dateRange ? r.dateRange.begin + ' – ' + r.dateRange.end : (r.failure && r.failure.arrivalDate) || '';
      return row(r.kind, r.orgName || addresses((m.message || {}).from), counts.map(c => c.domain).join(', '), range,
        el('td', { class: 'num', 'data-pass': sum('pass'), text: sum('pass') }), el('td', { class: 'num', 'data-fail': sum('fail'), text: sum('fail') }),
        el('a', { href: '#/message/' + encodeURIComponent(m.id), 'aria-label': 'Open the mail of report ' + (r.reportId || m.id) },
          (m.message || {}).subject || '(no subject)'));
    });
    const next = page.more ? el('a', { href: '#/reports' + query(Object.assign({}, params, { after: page.next })) }, 'Next page') : null;
    return [el('h1', { text: 'Reports' }), form, el('section', {},
      table('DMARC and TLS reports received, oldest first', ['Kind', 'Reporting organisation', 'Domain', 'Date range', 'Pass', 'Fail', 'Mail'],
        rows), next)];
  },

  async deliveries(params) {
    const status = params.status || 'all';
    const selection = { endpoint: params.endpoint, from: params.from, to: params.to };
    const answer = await json('/mailhook/deliveries' + query(Object.assign({ status, limit: 1000 }, selection)));
    const list = answer.deliveries;
    const form = el('form', { class: 'search', 'aria-label': 'Filter deliveries' },
      el('label', { for: 'f-dstatus' }, 'Status', el('select', { id: 'f-dstatus', name: 'status' },
        ['all'].concat(STATUSES).map(s => el('option', { value: s, selected: status === s, text: s })))),
      field('Endpoint', 'endpoint', params.endpoint), field('From (ISO-8601)', 'from', params.from),
      field('To (ISO-8601)', 'to', params.to), el('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      location.hash = '#/deliveries' + query(Object.fromEntries(new FormData(form).entries()));
    });
    // The bulk routes take the same selection (endpoint, from, to) as this list, so the count shown is what they touch.
    const narrowed = params.endpoint || params.from || params.to;
    const bulkQuery = query(narrowed ? selection : { all: 'true' });
    const dead = list.filter(d => d.status === 'dead');
    const delivered = list.filter(d => d.status === 'delivered');
    const atLeast = answer.moreDelivered ? 'at least ' : '';
    const bulk = el('p', {},
      dead.length ? el('button', { type: 'button', class: 'danger', onclick: () => act('Redeliver all ' + dead.length
        + ' dead letter(s) of this selection with their webhook-ids?', 'POST', '/mailhook/deliveries/dead/redeliver' + bulkQuery) },
      'Redeliver ' + dead.length + ' dead letter(s) shown') : null, ' ',
      status === 'delivered' && delivered.length ? el('button', { type: 'button', class: 'danger', onclick: () => act('Replay '
        + atLeast + delivered.length + ' delivered mail(s) of this selection to their endpoints, each with its webhook-id?', 'POST',
        '/mailhook/deliveries/delivered/redeliver' + bulkQuery) }, 'Replay ' + atLeast + delivered.length + ' delivered mail(s) shown') : null);
    const rows = list.map(d => row(statusTag(d.status), d.endpoint || 'default', d.subject, (d.recipients || []).join(', '), d.attempts,
      d.lastAttemptAt, d.lastError || d.deadReason || '', el('code', { text: d.webhookId }), deliveryActions(d)));
    return [el('h1', { text: 'Deliveries' }), form, el('section', {}, bulk,
      table('Webhook deliveries', ['Status', 'Endpoint', 'Subject', 'Recipients', 'Attempts', 'Last attempt', 'Error', 'webhook-id', 'Action'], rows))];
  },

  async quarantine() {
    const list = await json('/mailhook/quarantine?limit=1000');
    const rows = list.mails.map(m => {
      const parts = ((m.security || {}).quarantined || []).map(q => (q.filename || q.partId) + ' (' + q.verdict + ': '
        + (q.reasons || []).map(r => typeof r === 'string' ? r : r.code || JSON.stringify(r)).join(', ') + ')').join('; ');
      const what = '"' + (m.subject || m.key) + '"';
      return row(m.storedAt, m.sender, (m.recipients || []).join(', '), m.subject, parts,
        el('span', {}, el('button', { type: 'button', 'aria-label': 'Release ' + what,
          onclick: () => act('Release 1 quarantined mail ' + what + ' with its attachment ' + parts + '? It goes to the webhooks unchanged.',
            'POST', '/mailhook/quarantine/' + encodeURIComponent(m.key) + '/release') }, 'Release'), ' ',
        el('button', { type: 'button', class: 'danger', 'aria-label': 'Drop ' + what,
          onclick: () => act('Drop 1 quarantined mail ' + what + ' for good?', 'DELETE', '/mailhook/quarantine/' + encodeURIComponent(m.key)) }, 'Drop')));
    });
    return [el('h1', { text: 'Quarantine' }), el('section', {},
      table(list.total + ' intact original(s) kept by QuarantineAttachments', ['Stored', 'Sender', 'Recipients', 'Subject', 'Quarantined parts', 'Action'], rows))];
  },

  async endpoints() {
    const list = await deliveries({});
    const byEndpoint = new Map();
    for (const d of list) {
      const name = d.endpoint || 'default';
      const e = byEndpoint.get(name) || { counts: {}, last: null };
      e.counts[d.status] = (e.counts[d.status] || 0) + 1;
      if (d.lastAttemptAt && (!e.last || d.lastAttemptAt > e.last.lastAttemptAt)) e.last = d;
      byEndpoint.set(name, e);
    }
    const rows = [...byEndpoint.entries()].map(([name, e]) => {
      const done = (e.counts.delivered || 0) + (e.counts.dead || 0);
      return row(name, done ? Math.round(100 * (e.counts.delivered || 0) / done) + '%' : '–',
        STATUSES.map(s => s + ' ' + (e.counts[s] || 0)).join(', '), e.last ? e.last.lastAttemptAt + ' → ' + (e.last.lastStatus || e.last.lastError || '') : '',
        el('a', { href: '#/deliveries' + query({ endpoint: name === 'default' ? '' : name }) }, 'Deliveries of ' + name));
    });
    return [el('h1', { text: 'Endpoints' }), el('section', {},
      table('Recent results per endpoint', ['Endpoint', 'Success rate (delivered / finished)', 'Mails by status', 'Last attempt', 'Details'], rows))];
  },

  async addresses() {
    const list = await json('/mailhook/addresses');
    const results = await deliveries({});
    const rows = list.addresses.map(a => {
      const mine = results.filter(d => (d.recipients || []).includes(a.address));
      return row(a.address, a.url, a.createdAt, a.hasSecret ? 'yes' : 'no',
        STATUSES.map(s => s + ' ' + mine.filter(d => d.status === s).length).join(', '));
    });
    return [el('h1', { text: 'Instant addresses' }), el('section', {},
      table('Minted addresses and their recent results', ['Address', 'Webhook URL', 'Created', 'Secret', 'Deliveries'], rows))];
  },

  async audit() {
    const list = await json('/mailhook/audit?limit=500');
    const rows = list.entries.map(e => row(e.at, e.who, e.from, e.action, el('td', { class: 'wrap', text: e.target }), e.mails, e.outcome));
    return [el('h1', { text: 'Audit log' }), el('section', {},
      table('Every action taken through WebAdmin, newest first', ['When', 'Who', 'From', 'Action', 'Target', 'Mails', 'Outcome'], rows))];
  }
};

async function route() {
  const hash = location.hash || '#/overview';
  const [path, search] = hash.slice(2).split('?');
  const [name, ...rest] = path.split('/');
  const params = Object.fromEntries(new URLSearchParams(search || ''));
  const page = pages[name] ? name : 'overview';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === '#/' + (page === 'message' ? 'messages' : page)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  view.setAttribute('aria-busy', 'true');
  try {
    const content = await pages[page](params, decodeURIComponent(rest.join('/')));
    view.replaceChildren(...content);
    document.title = (view.querySelector('h1') || {}).textContent + ' · Mailhook console';
  } catch (e) {
    view.replaceChildren(el('h1', { text: 'Error' }), el('p', { text: e.message }));
  }
  view.setAttribute('aria-busy', 'false');
  view.dataset.page = page;
}

window.addEventListener('hashchange', () => {
  say('');
  route().then(() => view.focus());
});
route();
