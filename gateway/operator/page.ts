/**
 * The operator page: one self-contained HTML document (inline style and
 * script, nothing fetched from elsewhere), the same for everyone. It holds
 * no data and no secret: a browser cannot send a bearer header when it
 * navigates, so the page asks for the admin token and sends it with each
 * data call (overview, replay, discard), which are the guarded part.
 *
 * Its Content-Security-Policy allows exactly the inline style and script
 * below, by hash, and connections to this origin only: an injected tag or
 * handler would not run even if rendering ever let one through.
 */
import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';

const PAGE_STYLE = `
[hidden] { display: none !important; }
:root { color-scheme: light dark; --bad: #c62828; --good: #2e7d32; --warn: #ef6c00; --line: #8884; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 16px 32px; }
header { display: flex; align-items: center; gap: 12px; border-bottom: 1px solid var(--line); padding: 12px 0; }
header h1 { font-size: 18px; margin: 0; flex: 1; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 0 0 4px; display: flex; gap: 8px; align-items: baseline; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
.tiles { display: flex; gap: 12px; margin-top: 16px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; min-width: 160px; }
.tile strong { display: block; font-size: 22px; }
.note { color: #888; font-size: 12px; margin: 2px 0; }
.good { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.error { color: var(--bad); margin: 4px 0; }
.dead-letter { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.steps { margin: 6px 0; font-size: 13px; }
.steps tr.failed td { color: var(--bad); }
.actions { display: flex; gap: 8px; }
.actions input { flex: 1; }
input, button { font: inherit; padding: 4px 8px; }
#login { margin: 48px auto; max-width: 420px; display: flex; flex-direction: column; gap: 8px; }
#status { min-height: 20px; margin: 8px 0; }
form.inline { display: flex; gap: 8px; margin-bottom: 8px; }
td.when { white-space: nowrap; }
`;

const PAGE_BODY = `
<header>
  <h1>Switchboard operator</h1>
  <span id="updated" class="note"></span>
  <button id="refresh" type="button" hidden>Refresh</button>
  <button id="lock" type="button" hidden>Lock</button>
</header>
<form id="login">
  <label for="token">Admin token (config <code>admin.token</code>; kept in this tab only)</label>
  <input id="token" type="password" autocomplete="off" spellcheck="false">
  <button type="submit">Open</button>
  <p id="login-message" class="bad" role="alert"></p>
</form>
<main id="board" hidden>
  <div id="status" role="status"></div>
  <div class="tiles">
    <div class="tile">Cache hit ratio<strong id="cache-ratio"></strong><span id="cache-detail" class="note"></span></div>
    <div class="tile">Writes in flight<strong id="in-flight-count"></strong></div>
    <div class="tile">Dead letters<strong id="dead-letter-count"></strong></div>
  </div>
  <h2>Sources</h2>
  <p id="window" class="note"></p>
  <table>
    <thead><tr><th>source</th><th>health</th><th>breaker</th><th>calls/min</th><th>error rate</th><th>p50</th><th>p99</th></tr></thead>
    <tbody id="sources"></tbody>
  </table>
  <h2>Dead letters</h2>
  <p id="no-dead-letters" class="note">None: no write waits for an operator.</p>
  <div id="dead-letters"></div>
  <h2>Writes in flight</h2>
  <table>
    <thead><tr><th>write</th><th>mutation</th><th>state</th><th>partner</th><th>created</th></tr></thead>
    <tbody id="in-flight"></tbody>
  </table>
  <p id="no-in-flight" class="note">None.</p>
  <h2>Audit trail</h2>
  <form id="audit-filter" class="inline">
    <input id="partner" type="text" placeholder="partner (empty: all)" aria-label="Partner">
    <button type="submit">Filter</button>
  </form>
  <p id="audit-count" class="note"></p>
  <table>
    <thead><tr><th>at</th><th>write</th><th>mutation</th><th>partner</th><th>actor</th><th>event</th><th>state</th><th>step</th><th>detail</th></tr></thead>
    <tbody id="audit"></tbody>
  </table>
</main>
`;

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's policy: its own style and script by hash, data from this origin, nothing else. */
export const OPERATOR_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  // The favicon below is an empty data: URL, so the browser asks the gateway for none.
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Switchboard operator</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>${PAGE_BODY}<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

/** The page itself, or 405 for a method other than GET and HEAD. Never cached: it is small, and a stale one could miss a fix. */
export function operatorPageResponse(method: string): Response {
  if (method !== 'GET' && method !== 'HEAD')
    return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  return new Response(method === 'HEAD' ? null : PAGE_HTML, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': OPERATOR_PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    },
  });
}
