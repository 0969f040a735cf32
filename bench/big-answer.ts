/**
 * Issue 14 "Big answers": how many tiny queries another client completes
 * while the gateway handles one big REST answer. A local server answers a
 * prebuilt page of N items (default 90,000, about 7 MB); one client asks for
 * all of them through the gateway while a second asks a tiny canary query in
 * a loop. Prints, per round, the big request's duration, the canaries
 * completed meanwhile, and the canaries completed alone in as long.
 *
 *   node --import tsx bench/big-answer.ts [items, default 90000] [rounds, default 3]
 *
 * BIG_ANSWER_VALUES=<n> sets the source's maxResponseValues (the default,
 * 50,000, refuses 90,000 items; the script sets 3 × items + 100 unless told).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createGateway } from '../gateway/index.js';
import { createRestSource } from '../sources/rest/index.js';

const ITEMS = Math.max(1, Number(process.argv[2] ?? 90_000));
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 3));
const contract = fileURLToPath(
  new URL('../test/fixtures/openapi/big-answers.yaml', import.meta.url),
);

// Built once: the backend's own serialising is not what is measured.
const page = Buffer.from(
  JSON.stringify({
    items: Array.from({ length: ITEMS }, (_, i) => ({
      id: i,
      name: `item ${i} ${'x'.repeat(60)}`,
    })),
  }),
);
const backend = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url?.startsWith('/ping') ? '{"ok":true}' : page);
});
await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;

const values = Number(process.env.BIG_ANSWER_VALUES ?? 3 * ITEMS + 100);
const gateway = await createGateway({
  sources: [
    await createRestSource({ name: 'big', contract, url: backendUrl, maxResponseValues: values }),
  ],
  endpoints: { sources: 'read-only' },
  logging: { level: 'silent' },
});
const url = (await gateway.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
const pool = new Pool(url, { connections: 4 });

async function ask(query: string): Promise<string> {
  const { body } = await pool.request({
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return body.text();
}
const CANARY = '{ big { getPing { ok } } }';
const BIG = `{ big { listItems(count: ${ITEMS}) { items { id name } } } }`;

/** Canary queries completed one after another until `done` says stop. */
async function canaries(done: () => boolean): Promise<number> {
  let count = 0;
  while (!done()) {
    await ask(CANARY);
    count += 1;
  }
  return count;
}

try {
  await ask(CANARY);
  console.log(`${ITEMS} items, ${(page.length / 1e6).toFixed(1)} MB, maxResponseValues ${values}`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    let finished = false;
    const started = performance.now();
    const big = ask(BIG).then((text) => {
      finished = true;
      return text;
    });
    const during = await canaries(() => finished);
    const answer = await big;
    const ms = performance.now() - started;
    const until = performance.now() + ms;
    const alone = await canaries(() => performance.now() >= until);
    const outcome = answer.includes('"errors"') ? 'refused' : `${answer.length} bytes`;
    console.log(
      `round ${round}: big ${Math.round(ms)} ms (${outcome}); canaries meanwhile ${during}, alone in as long ${alone}`,
    );
  }
} finally {
  await pool.close();
  await gateway.close();
  backend.closeAllConnections();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
}
