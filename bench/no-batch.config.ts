/**
 * The demo config with the read cache off and billing declared without its
 * batch endpoint, for bench/gateway-vs-direct.ts: a page of 50 products
 * with their prices then costs 1 + 50 calls, the issue-15 scenario of "a
 * field from a second operation without a batch endpoint".
 */
import { fileURLToPath } from 'node:url';
import { createGrpcSource } from '../sources/grpc/index.js';

// `switchboard start --config` runs a config from its own folder; the demo
// config's paths are relative to the repository's root.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const { default: demo } = await import('../switchboard.config.js');

const sources = await Promise.all(
  demo.sources.map(async (given) => {
    const source = await given;
    if (source.name !== 'billing') return source;
    await source.close();
    return createGrpcSource({
      name: 'billing',
      contract: 'demo/billing/proto/billing/v1/billing.proto',
      includeDirs: ['demo/billing/proto'],
      url: process.env.BILLING_URL ?? '127.0.0.1:4003',
    });
  }),
);

export default { ...demo, sources, pipeline: { cache: { enabled: false } } };
