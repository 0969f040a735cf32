/**
 * The operator page's script, inlined in the page (no CDN, no framework:
 * the page works offline behind a firewall). It holds the admin token in
 * sessionStorage only, sends it as a bearer header on every data call, and
 * renders every backend-provided text with textContent, never as HTML:
 * dead-letter errors carry words a backend chose. Long because it is one
 * page's whole client; it has no other job.
 */
export const PAGE_SCRIPT = `
'use strict';
const TOKEN_KEY = 'switchboard-admin-token';
const REFRESH_MS = 5000;
const OVERVIEW = '/admin/overview';
const ADMIN_GRAPHQL = '/admin/graphql';
const $ = (id) => document.getElementById(id);
const reasons = new Map();
let timer;
let partner = '';
let busy = false;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function row(cells, className) {
  const tr = el('tr', null, className);
  for (const cell of cells) {
    const td = el('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell === null || cell === undefined ? '\\u2014' : String(cell);
    tr.append(td);
  }
  return tr;
}
const percent = (value) => (value === null || value === undefined ? '\\u2014' : (value * 100).toFixed(1) + ' %');
const ms = (value) => (value === null || value === undefined ? '\\u2014' : value + ' ms');
const token = () => sessionStorage.getItem(TOKEN_KEY);

function lock(message) {
  clearInterval(timer);
  timer = undefined;
  $('board').hidden = true;
  $('lock').hidden = true;
  $('refresh').hidden = true;
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  for (const id of ['sources', 'in-flight', 'dead-letters', 'audit']) $(id).replaceChildren();
}

async function call(path, init) {
  const headers = Object.assign({ accept: 'application/json' }, (init && init.headers) || {}, {
    authorization: 'Bearer ' + token(),
  });
  const response = await fetch(path, Object.assign({}, init, { headers, cache: 'no-store', credentials: 'omit' }));
  if (response.status === 401 || response.status === 404) {
    sessionStorage.removeItem(TOKEN_KEY);
    lock(response.status === 401 ? 'The gateway refused this admin token.' : 'This gateway has no admin credential configured.');
    throw new Error('locked');
  }
  const body = await response.json();
  if (body && Array.isArray(body.errors) && body.errors.length > 0) {
    const first = body.errors[0];
    const code = first.extensions && first.extensions.code ? first.extensions.code + ': ' : '';
    throw new Error(code + first.message);
  }
  return body;
}

function say(text, kind) {
  const status = $('status');
  status.textContent = text;
  status.className = kind || '';
}

function renderSources(data) {
  const body = $('sources');
  body.replaceChildren();
  for (const source of data.sources) {
    const health = el('span', source.ok ? 'up' : 'down', source.ok ? 'good' : 'bad');
    const cell = el('span');
    cell.append(health, el('span', ' ' + source.latencyMs + ' ms'));
    if (source.message) cell.append(el('div', source.message, 'note'));
    const breaker = el('span', source.breaker || 'none', source.breaker === 'open' ? 'bad' : source.breaker === 'half-open' ? 'warn' : '');
    const tr = row([source.name, cell, breaker, source.callsPerMinute, percent(source.errorRate), ms(source.p50Ms), ms(source.p99Ms)]);
    tr.dataset.source = source.name;
    body.append(tr);
  }
  $('window').textContent = data.metrics ? 'Rates over the last ' + data.windowSeconds + ' s.' : 'Metrics are off (telemetry.metrics.enabled): rates and latencies are not counted.';
  $('cache-ratio').textContent = percent(data.cache.hitRatio);
  $('cache-detail').textContent = data.cache.hits === null ? '' : data.cache.hits + ' hits, ' + data.cache.misses + ' misses';
  $('in-flight-count').textContent = String(data.inFlight.count);
  $('dead-letter-count').textContent = String(data.deadLetters.length);
}

function renderInFlight(data) {
  const body = $('in-flight');
  body.replaceChildren();
  for (const write of data.inFlight.writes) body.append(row([write.id, write.mutation, write.state, write.partner, write.createdAt]));
  $('no-in-flight').hidden = data.inFlight.count > 0;
}

function stepsTable(steps) {
  const table = el('table', null, 'steps');
  const head = el('tr');
  for (const name of ['#', 'system', 'operation', 'state', 'attempts', 'error']) head.append(el('th', name));
  table.append(el('thead'));
  table.tHead.append(head);
  const body = el('tbody');
  for (const step of steps) {
    const error = step.error ? step.error.code + ': ' + step.error.message : null;
    body.append(row([step.index + 1, step.source, step.operation, step.state, step.attempts, error], step.error ? 'failed' : ''));
  }
  table.append(body);
  return table;
}

function renderDeadLetters(data) {
  const list = $('dead-letters');
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.reasonFor : undefined;
  list.replaceChildren();
  $('no-dead-letters').hidden = data.deadLetters.length > 0;
  for (const write of data.deadLetters) {
    const card = el('article', null, 'dead-letter');
    card.dataset.writeId = write.id;
    const title = el('h3');
    title.append(el('span', write.mutation, 'mutation'), el('code', write.id));
    card.append(title);
    card.append(el('p', 'Created ' + write.createdAt + ' by ' + write.caller + (write.partner ? ' (partner ' + write.partner + ')' : '') + '; parked ' + write.updatedAt + '.', 'note'));
    if (write.error) card.append(el('p', write.error.code + ': ' + write.error.message, 'error'));
    card.append(stepsTable(write.steps));
    const actions = el('div', null, 'actions');
    const replay = el('button', 'Replay');
    replay.type = 'button';
    replay.dataset.action = 'replay';
    replay.addEventListener('click', () => act(replay, 'replay', write.id));
    const reason = el('input');
    reason.type = 'text';
    reason.maxLength = 500;
    reason.placeholder = 'Reason to discard (kept in the audit trail)';
    reason.setAttribute('aria-label', 'Reason to discard ' + write.id);
    reason.dataset.reasonFor = write.id;
    reason.value = reasons.get(write.id) || '';
    const discard = el('button', 'Discard');
    discard.type = 'button';
    discard.dataset.action = 'discard';
    discard.disabled = reason.value.trim() === '';
    reason.addEventListener('input', () => {
      reasons.set(write.id, reason.value);
      discard.disabled = reason.value.trim() === '';
    });
    discard.addEventListener('click', () => act(discard, 'discard', write.id, reason.value));
    actions.append(replay, reason, discard);
    card.append(actions);
    list.append(card);
    if (focused === write.id) reason.focus();
  }
}

function renderAudit(data) {
  const body = $('audit');
  body.replaceChildren();
  for (const entry of data.audit) {
    const step = entry.step ? 'step ' + (entry.step.index + 1) + ' ' + entry.step.source + ' ' + entry.step.operation + ': ' + entry.step.state : null;
    const tr = row([entry.at, entry.writeId.slice(0, 8), entry.mutation, entry.partner, entry.actor, entry.event, entry.state, step, entry.detail]);
    tr.dataset.writeId = entry.writeId;
    tr.firstChild.className = 'when';
    body.append(tr);
  }
  $('audit-count').textContent = data.audit.length + ' entries' + (data.partner ? ' of partner ' + data.partner : '') + ', newest first.';
}

async function refresh() {
  if (token() === null) return lock('');
  if (busy) return;
  busy = true;
  try {
    const data = await call(OVERVIEW + (partner ? '?partner=' + encodeURIComponent(partner) : ''));
    $('login').hidden = true;
    $('board').hidden = false;
    $('lock').hidden = false;
    $('refresh').hidden = false;
    renderSources(data);
    renderInFlight(data);
    renderDeadLetters(data);
    renderAudit(data);
    $('updated').textContent = 'Updated ' + new Date(data.at).toLocaleTimeString();
    if (timer === undefined) timer = setInterval(refresh, REFRESH_MS);
  } catch (error) {
    if (error.message !== 'locked') say('Could not refresh: ' + error.message, 'bad');
  } finally {
    busy = false;
  }
}

const MUTATIONS = {
  replay: 'mutation Replay($id: ID!) { replayWrite(id: $id) { id state } }',
  discard: 'mutation Discard($id: ID!, $reason: String!) { discardWrite(id: $id, reason: $reason) { id state } }',
};

async function act(button, action, id, reason) {
  button.disabled = true;
  say((action === 'replay' ? 'Replaying ' : 'Discarding ') + id + '\\u2026');
  try {
    const variables = action === 'replay' ? { id } : { id, reason };
    const body = await call(ADMIN_GRAPHQL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: MUTATIONS[action], variables }),
    });
    const write = body.data[action === 'replay' ? 'replayWrite' : 'discardWrite'];
    reasons.delete(id);
    say('Write ' + write.id + ' ' + (action === 'replay' ? 'replayed' : 'discarded') + ': now ' + write.state.toLowerCase().replace(/_/g, '-') + '.', 'good');
  } catch (error) {
    if (error.message !== 'locked') say('Could not ' + action + ' ' + id + ': ' + error.message, 'bad');
  } finally {
    button.disabled = false;
    await refresh();
  }
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  $('token').value = '';
  if (value === '') return;
  sessionStorage.setItem(TOKEN_KEY, value);
  refresh();
});
$('lock').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  lock('Locked: the token is forgotten.');
});
$('refresh').addEventListener('click', () => refresh());
$('audit-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  partner = $('partner').value.trim();
  refresh();
});
refresh();
`;
