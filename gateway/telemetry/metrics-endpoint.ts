/**
 * GET /metrics: the Prometheus exposition, for the admin credential only
 * (gateway/http/admin-guard.ts), so partners and frontends cannot read
 * which sources fail or how busy the gateway is. Without an admin
 * credential configured it answers 404, as every admin path does.
 */
import { adminRefusal, type AdminCheck } from '../http/admin-guard.js';
import type { GatewayMetrics } from './metrics.js';

export async function metricsResponse(
  request: Request,
  guard: (authorization: string | null) => AdminCheck,
  metrics: GatewayMetrics | undefined,
): Promise<Response> {
  const check = guard(request.headers.get('authorization'));
  if (check !== 'allowed') return adminRefusal(check);
  if (metrics === undefined) return adminRefusal('disabled');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const text = await metrics.render();
  return new Response(request.method === 'HEAD' ? null : text, {
    status: 200,
    headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
  });
}
