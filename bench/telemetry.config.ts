/**
 * The demo config with the read cache off, and telemetry as BENCH_TELEMETRY
 * says, for bench/telemetry.ts: "off" (the defaults without an admin
 * credential: nothing counted, no span), "metrics" (an admin credential, so
 * metrics are counted), "all" (metrics and tracing, every request sampled,
 * spans exported over OTLP/HTTP to BENCH_OTLP_URL).
 */
import { fileURLToPath } from 'node:url';

// `switchboard start --config` runs a config from its own folder; the demo config's paths are relative to the repository's root.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const { default: demo } = await import('../switchboard.config.js');

const mode = process.env.BENCH_TELEMETRY ?? 'off';
/** Only for this benchmark's own gateways on 127.0.0.1. */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef-telemetry';

export default {
  ...demo,
  pipeline: { cache: { enabled: false } },
  ...(mode === 'off' ? {} : { admin: { token: BENCH_ADMIN_TOKEN } }),
  telemetry: {
    metrics: { enabled: mode !== 'off' },
    tracing:
      mode === 'all'
        ? { enabled: true, endpoint: process.env.BENCH_OTLP_URL ?? null, sampleRatio: 1 }
        : { enabled: false },
  },
};
