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

/**
 * Asks in the dialog. With a choice ({options, selected}) the dialog also offers a select (the endpoint to send
 * to), the question is a function of the chosen option's value, and the answer is that value. An option is a
 * name, or {value, text} (the value '' for "each mail's own endpoint").
 */
function confirmAction(text, choice) {
  const dialog = document.getElementById('confirm');
  const question = document.getElementById('confirm-text');
  const select = document.getElementById('confirm-endpoint');
  document.getElementById('confirm-choice').hidden = !choice;
  if (choice) {
    select.replaceChildren(...choice.options.map(o => typeof o === 'string' ? { value: o, text: o } : o)
      .map(o => el('option', { value: o.value, selected: o.value === choice.selected, text: o.text })));
    select.onchange = () => { question.textContent = text(select.value); };
  }
  question.textContent = choice ? text(select.value) : text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue !== 'ok' ? false : choice ? select.value : true), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** Asks, runs the API call, reports how many mails it touched, then redraws the page. */
async function act(question, method, path, choice) {
  const answer = await confirmAction(question, choice);
  if (answer === false) {
    say('Cancelled: nothing was changed.');
    return;
  }
  try {
    const text = await api(method, typeof path === 'function' ? path(answer) : path);
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

/** The endpoints an action may send to: the running WebhookDelivery's (configured and minted); none when they cannot be read. */
async function routable() {
  try {
    return (await json('/mailhook/endpoints')).routable || [];
  } catch (e) {
    return [];
  }
}

/**
 * Replay of a delivered mail or redelivery of a dead letter, to its endpoint (same webhook-id) or to another one the
 * dialog offers (that one's own webhook-id).
 */
async function sendOne(d, kind) {
  const own = d.endpoint || 'default';
  const options = [own].concat((await routable()).filter(n => n !== own));
  const dead = kind === 'dead';
  const what = (dead ? 'Redeliver 1 dead letter' : 'Replay 1 mail') + ' ("' + (d.subject || '') + '")';
  return act(name => name === own ? what + ' to endpoint ' + own + (dead ? ' with its webhook-id ' : ' with the same webhook-id ')
      + d.webhookId + '?'
    : what + ' to another endpoint, ' + name + ', with that endpoint\'s own webhook-id (not ' + d.webhookId + ')? Endpoint '
      + own + (dead ? ' does not get it.' : ' does not get it again.'), 'POST',
  name => '/mailhook/deliveries/' + (dead ? 'dead/' : 'delivered/') + encodeURIComponent(d.key) + '/redeliver'
    + (name === own ? '' : query({ target: name })),
  { options, selected: own });
}

/**
 * A bulk redelivery (dead letters) or replay (delivered mail) of the selection shown: to each mail's own endpoint
 * (its webhook-id), or all of them to one endpoint the dialog offers (that endpoint's webhook-id for each).
 */
async function sendMany(kind, count, selectionQuery) {
  const dead = kind === 'dead';
  const what = (dead ? 'Redeliver all ' : 'Replay ') + count + (dead ? ' dead letter(s)' : ' delivered mail(s)') + ' of this selection';
  const options = [{ value: '', text: 'each mail\'s own endpoint' }].concat((await routable()).map(n => ({ value: n, text: n })));
  return act(name => name === '' ? what + (dead ? ' with their webhook-ids?' : ' to their endpoints, each with its webhook-id?')
    : what + ' to endpoint ' + name + ', each with that endpoint\'s own webhook-id (those of ' + name + ' keep theirs)?',
  'POST', name => '/mailhook/deliveries/' + (dead ? 'dead' : 'delivered') + '/redeliver' + selectionQuery
    + (name === '' ? '' : (selectionQuery ? '&' : '?') + query({ target: name }).slice(1)),
  { options, selected: '' });
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
    return el('button', { type: 'button', class: 'secondary', 'aria-label': 'Replay ' + (d.subject || d.key), onclick: () => sendOne(d, 'delivered') },
      'Replay');
  }
  if (d.status === 'dead' && d.key) {
    return el('button', { type: 'button', class: 'secondary', 'aria-label': 'Redeliver ' + (d.subject || d.key),
      onclick: () => sendOne(d, 'dead') },
    'Redeliver');
  }
  return '';
}

/** A duration in seconds as people read it: 42 s, 7 min, 3 h 5 min, 2 d 4 h. */
function age(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor(seconds % 3600 / 60) + ' min';
  return Math.floor(seconds / 86400) + ' d ' + Math.floor(seconds % 86400 / 3600) + ' h';
}

function percent(rate) {
  return rate === null || rate === undefined ? '–' : (Math.round(rate * 1000) / 10) + '%';
}

function ms(value) {
  return value === null || value === undefined ? '–' : value + ' ms';
}

/** The endpoint health table of GET /mailhook/endpoints (Overview and Endpoints). */
function healthTable(health) {
  const rows = health.endpoints.map(e => {
    const c = e.circuit;
    const circuit = el('td', { 'data-circuit': c.state }, statusTag(c.state),
      c.openedAt ? ' since ' + c.openedAt : '', c.nextProbeAt ? ', next probe ' + c.nextProbeAt : '');
    return row(e.name, circuit, el('td', { class: 'num', text: percent(e.successRate) }), e.delivered + ' / ' + e.failed,
      el('td', { class: 'num', text: ms(e.p50Ms) }), el('td', { class: 'num', text: ms(e.p99Ms) }),
      'pending ' + e.waiting.pending + ', retrying ' + e.waiting.retrying + ', parked ' + e.waiting.parked,
      el('td', { 'data-oldest-waiting': e.oldestWaitingSeconds === null ? '' : e.oldestWaitingSeconds,
        text: e.oldestWaitingSeconds === null ? 'none waiting' : age(e.oldestWaitingSeconds) + ' (since ' + e.oldestWaitingSince + ')' }),
      el('a', { href: '#/deliveries' + query({ endpoint: e.name }) }, 'Deliveries of ' + e.name));
  });
  return table('Finished in the last 24 hours (' + health.deliveredRead + ' delivered records read'
    + (health.deliveredCapped ? ', capped at the newest' : '') + ', dead letters since ' + health.since + '); waiting now'
    + (health.queuedNotListed ? ' (queued mail not listed: ' + health.queuedNotListed + ')' : ''),
  ['Endpoint', 'Circuit', 'Success rate', 'Delivered / failed', 'p50 accept→ack', 'p99 accept→ack', 'Waiting', 'Oldest waiting', 'Details'], rows);
}

// The SVG namespace as the HTML parser gives it to an <svg> element (no URL written out: the page names none).
const SVG = new DOMParser().parseFromString('<svg></svg>', 'text/html').body.firstChild.namespaceURI;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  children.flat(Infinity).forEach(c => node.append(c));
  return node;
}

/**
 * A line chart as inline SVG (no library): one polyline per series over the buckets, a gap where a bucket has
 * no value. Its text alternative is the aria-label (a summary) and a table of every bucket under it.
 */
function chart(id, title, buckets, series, unit, max) {
  const width = 560, height = 170, left = 64, bottom = 22, top = 10;
  const values = buckets.flatMap(b => series.map(s => s.value(b))).filter(v => v !== null && v !== undefined);
  const top_ = max || Math.max(1, ...values);
  const x = i => left + (width - left - 8) * (buckets.length === 1 ? 0.5 : i / (buckets.length - 1));
  const y = v => top + (height - top - bottom) * (1 - v / top_);
  const lines = series.map(s => {
    const paths = [];
    let current = [];
    buckets.forEach((b, i) => {
      const v = s.value(b);
      if (v === null || v === undefined) {
        if (current.length) paths.push(current);
        current = [];
      } else {
        current.push(x(i).toFixed(1) + ',' + y(v).toFixed(1));
      }
    });
    if (current.length) paths.push(current);
    return paths.map(p => p.length === 1 ? svg('circle', { class: 'series ' + s.key, cx: p[0].split(',')[0], cy: p[0].split(',')[1], r: 3 })
      : svg('polyline', { class: 'series ' + s.key, points: p.join(' ') }));
  });
  const label = (b) => b.start.slice(11, 16);
  const summary = title + ': ' + series.map(s => {
    const vs = buckets.map(s.value).filter(v => v !== null && v !== undefined);
    return s.name + (vs.length ? ' from ' + Math.min(...vs) + ' to ' + Math.max(...vs) + unit : ' no data');
  }).join('; ') + '. ' + buckets.length + ' buckets from ' + buckets[0].start + '.';
  const picture = svg('svg', { id, class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': summary },
    svg('title', { text: summary }),
    svg('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - 8, y2: height - bottom }),
    svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom }),
    svg('text', { class: 'tick', x: left - 4, y: top + 8, 'text-anchor': 'end', text: top_ + unit }),
    svg('text', { class: 'tick', x: left - 4, y: height - bottom, 'text-anchor': 'end', text: '0' }),
    svg('text', { class: 'tick', x: left, y: height - 6, text: label(buckets[0]) }),
    svg('text', { class: 'tick', x: width - 8, y: height - 6, 'text-anchor': 'end', text: label(buckets[buckets.length - 1]) + ' UTC' }),
    lines);
  const legend = el('p', { class: 'legend' }, series.map(s => el('span', { class: 'key ' + s.key, text: s.name })));
  const data = el('details', {}, el('summary', {}, 'Data of "' + title + '"'),
    table(title, ['Bucket start (UTC)'].concat(series.map(s => s.name)),
      buckets.map(b => row(b.start, ...series.map(s => { const v = s.value(b); return v === null || v === undefined ? '–' : v + unit; })))));
  return el('figure', { class: 'chart' }, el('figcaption', { text: title }), picture, legend, data);
}

function charts(health) {
  const latency = [{ key: 'p50', name: 'p50', value: b => b.p50Ms }, { key: 'p99', name: 'p99', value: b => b.p99Ms }];
  const success = [{ key: 'rate', name: 'success rate', value: b => b.successRate === null ? null : Math.round(b.successRate * 1000) / 10 }];
  const { hour, day } = health.charts;
  return el('div', { class: 'charts' },
    chart('chart-latency-hour', 'Accept → ack latency, last hour (5-minute buckets)', hour.buckets, latency, ' ms'),
    chart('chart-success-hour', 'Delivery success rate, last hour (5-minute buckets)', hour.buckets, success, '%', 100),
    chart('chart-latency-day', 'Accept → ack latency, last day (hourly buckets)', day.buckets, latency, ' ms'),
    chart('chart-success-day', 'Delivery success rate, last day (hourly buckets)', day.buckets, success, '%', 100));
}

/** The canary's last probe, from its metrics (docs/operations.md#canary); off when they are absent. */
function canary(metric) {
  const sent = metric('mailhook_canary_sent_total');
  if (sent === null) {
    return el('p', { id: 'canary', 'data-canary': 'off' }, 'The canary is off (canary.enabled=false in mailhook.properties).');
  }
  const last = metric('mailhook_canary_last_probe_seconds');
  const latency = metric('mailhook_canary_last_latency_ms');
  const state = !last ? 'waiting' : latency < 0 ? 'failed' : 'seen';
  return el('p', { id: 'canary', 'data-canary': state },
    state === 'waiting' ? 'No probe finished yet. ' : el('span', {}, 'Last probe ', statusTag(state === 'seen' ? 'pass' : 'fail'),
      ' at ' + new Date(last * 1000).toISOString() + (state === 'seen' ? ', archived ' + latency + ' ms after it was sent. ' : ', not archived in time. ')),
    'Probes sent ' + sent + ', seen ' + (metric('mailhook_canary_seen_total') || 0) + ', failed ' + (metric('mailhook_canary_failures_total') || 0) + '.');
}

const pages = {
  async overview() {
    const [all, quarantine, metrics, health, dmarc] = await Promise.all([deliveries({}), json('/mailhook/quarantine?limit=1'),
      api('GET', '/metrics').catch(() => ''), json('/mailhook/endpoints'), json('/mailhook/dmarc')]);
    const metric = name => {
      const line = metrics.split('\n').find(l => l.startsWith(name + ' '));
      return line ? Math.round(Number(line.split(' ')[1])) : null;
    };
    const count = status => all.filter(d => d.status === status).length;
    const accepted = metric('mailhook_mails_accepted_total');
    const cards = [['Accepted', accepted === null ? '–' : accepted], ['Delivered (recorded)', count('delivered')],
      ['Pending', count('pending')], ['Retrying', count('retrying')], ['Parked', count('parked')],
      ['Dead letters', count('dead')], ['Quarantined', quarantine.total]];
    return [el('h1', { text: 'Overview' }),
      el('div', { class: 'counts', role: 'list' }, cards.map(([name, n]) =>
        el('div', { class: 'count', role: 'listitem', 'data-count': name }, el('span', { class: 'n', text: n }), name))),
      el('section', { 'aria-labelledby': 'h-canary' }, el('h2', { id: 'h-canary', text: 'Canary' }), canary(metric)),
      el('section', { 'aria-labelledby': 'h-health' }, el('h2', { id: 'h-health', text: 'Endpoint health' }), healthTable(health)),
      el('section', { 'aria-labelledby': 'h-charts' }, el('h2', { id: 'h-charts', text: 'Latency and success rate' }), charts(health)),
      el('section', { 'aria-labelledby': 'h-dmarc' }, el('h2', { id: 'h-dmarc', text: 'DMARC pass rate by sender domain' }),
        table('The newest ' + dmarc.mails + ' mail(s) archived since ' + dmarc.since + ' (at most ' + dmarc.limit + ' are read'
          + (dmarc.capped ? '; more were archived' : '') + '), by the domain DMARC was checked for',
        ['Sender domain', 'Mails', 'Passed', 'Pass rate', 'Results'], dmarc.domains.map(d => row(d.domain,
          el('td', { class: 'num', text: d.mails }), el('td', { class: 'num', text: d.passed }),
          el('td', { class: 'num', 'data-pass-rate': d.passRate, text: percent(d.passRate) }),
          Object.entries(d.results).map(([result, n]) => result + ' ' + n).join(', ')))))];
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
      dead.length ? el('button', { type: 'button', class: 'danger', onclick: () => sendMany('dead', dead.length, bulkQuery) },
      'Redeliver ' + dead.length + ' dead letter(s) shown') : null, ' ',
      status === 'delivered' && delivered.length ? el('button', { type: 'button', class: 'danger',
        onclick: () => sendMany('delivered', atLeast + delivered.length, bulkQuery) },
      'Replay ' + atLeast + delivered.length + ' delivered mail(s) shown') : null);
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
    const health = await json('/mailhook/endpoints');
    return [el('h1', { text: 'Endpoints' }), el('section', {}, healthTable(health))];
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
