/**
 * health(): asks the standard grpc.health.v1 service when the backend serves
 * it; a backend that answers UNIMPLEMENTED is up all the same (it answered).
 */
import { status as Status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { SourceHealth } from '../common/index.js';
import { statusName } from './status.js';
import type { Transport } from './transport.js';

// The two messages of grpc/health/v1/health.proto, declared inline: two fields do not warrant shipping a file.
const HEALTH = protobuf.Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: {
      fields: { status: { type: 'ServingStatus', id: 1 } },
      nested: {
        ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
      },
    },
  },
});
const REQUEST = HEALTH.lookupType('HealthCheckRequest');
const RESPONSE = HEALTH.lookupType('HealthCheckResponse');
const CHECK_PATH = '/grpc.health.v1.Health/Check';
const SERVING = 1;

export async function checkHealth(
  source: string,
  transport: Transport,
  timeoutMs: number,
): Promise<SourceHealth> {
  const started = performance.now();
  const latencyMs = (): number => Math.round(performance.now() - started);
  try {
    const answer = await transport.unary(
      CHECK_PATH,
      REQUEST.encode(REQUEST.create({ service: '' })).finish(),
      {},
      timeoutMs,
    );
    const { status } = RESPONSE.toObject(RESPONSE.decode(answer)) as { status?: number };
    return status === SERVING
      ? { ok: true, latencyMs: latencyMs() }
      : { ok: false, latencyMs: latencyMs(), message: `${source} reports that it is not serving.` };
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === Status.UNIMPLEMENTED) return { ok: true, latencyMs: latencyMs() };
    return {
      ok: false,
      latencyMs: latencyMs(),
      message: `${source} did not answer its health check (gRPC ${typeof code === 'number' ? statusName(code) : 'UNKNOWN'}).`,
    };
  }
}
