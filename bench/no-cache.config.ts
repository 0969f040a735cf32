/**
 * The demo config with the read cache off, for bench/gateway-vs-direct.ts:
 * the same gateway, every read going to its backend, so the pipeline's own
 * cost can be compared with the figures from before it existed.
 */
import { fileURLToPath } from 'node:url';

// `switchboard start --config` runs a config from its own folder; the demo
// config's paths are relative to the repository's root.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const { default: demo } = await import('../switchboard.config.js');

// 64 aliases: issue 15's scenario of 50 aliased lookups by key (the demo allows 15).
export default {
  ...demo,
  pipeline: { cache: { enabled: false } },
  limits: { ...demo.limits, maxAliases: 64 },
};
