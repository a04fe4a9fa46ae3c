/** Prometheus metrics: request counts and latency by route pattern (never by raw path, which would explode labels). */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import client from 'prom-client';
import type { AppEnv } from './context.ts';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const requests = new client.Counter({
  name: 'bridgedesk_http_requests_total',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});
const duration = new client.Histogram({
  name: 'bridgedesk_http_request_duration_seconds',
  help: 'HTTP request duration by method and route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const httpMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const start = performance.now();
  await next();
  const route = c.req.path.startsWith('/api/') ? routePath(c) : 'web';
  requests.inc({ method: c.req.method, route, status: String(c.res.status) });
  duration.observe({ method: c.req.method, route }, (performance.now() - start) / 1000);
};

export const metricsText = () => registry.metrics();
