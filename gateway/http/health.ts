/**
 * /healthz says the process is up; /readyz says whether THIS gateway can
 * serve, and reports each source's health in its body.
 *
 * One system down is not a 503: every gateway instance shares the same
 * backends, so a load balancer that pulled instances out for it would turn a
 * partial outage (the other systems' fields still answer) into a total one.
 * /readyz answers 200 with `status: "ok"` when every source answers, 200 with
 * `status: "degraded"` when some do not, and 503 `status: "unavailable"` only
 * when none does (this instance can serve nothing, and another instance, on
 * another network path, may do better).
 * Neither says where a backend lives: messages lose anything shaped like a URL.
 */
import type { Source, SourceHealth } from '../../sources/common/index.js';
import { json } from './responses.js';

export function healthResponse(): Response {
  return json(200, { status: 'ok' });
}

/** Defence in depth: a source's health message should be safe, but a URL must never pass. */
function redact(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<address>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>');
}

async function probe(source: Source, timeoutMs: number): Promise<SourceHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<SourceHealth>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          latencyMs: timeoutMs,
          message: `${source.name} did not answer its health probe within ${timeoutMs} ms.`,
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      source.health().catch((): SourceHealth => ({
        ok: false,
        latencyMs: 0,
        message: `${source.name} health probe failed.`,
      })),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes every source's backend; each source's entry also shows its circuit
 * breaker's state (`breakerOf`, e.g. "closed", "open", "half-open"), which
 * the probe does not change: health probes bypass the pipeline.
 */
export async function readinessResponse(
  sources: readonly Source[],
  timeoutMs: number,
  breakerOf: (source: string) => string | undefined = () => undefined,
): Promise<Response> {
  const results = await probeSources(sources, timeoutMs);
  const up = results.filter((health) => health.ok).length;
  const status = up === results.length ? 'ok' : up > 0 ? 'degraded' : 'unavailable';
  const body = {
    status,
    sources: Object.fromEntries(
      results.map(({ name, ...health }) => {
        const breaker = breakerOf(name);
        return [name, { ...health, ...(breaker === undefined ? {} : { breaker }) }];
      }),
    ),
  };
  return json(status === 'unavailable' ? 503 : 200, body);
}

/** One source's health as /readyz and the operator page show it: latency rounded, message without addresses. */
export interface ProbedHealth {
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly message?: string;
}

/** Probes every source's backend at once, each within `timeoutMs` (ms). */
export function probeSources(
  sources: readonly Source[],
  timeoutMs: number,
): Promise<ProbedHealth[]> {
  return Promise.all(
    sources.map(async (source) => {
      const health = await probe(source, timeoutMs);
      return {
        name: source.name,
        ok: health.ok,
        latencyMs: Math.round(health.latencyMs),
        ...(health.message === undefined ? {} : { message: redact(health.message) }),
      };
    }),
  );
}
