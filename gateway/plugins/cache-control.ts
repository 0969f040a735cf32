/**
 * Every GraphQL answer is private to its caller unless a cache layer says
 * otherwise: `Cache-Control: no-store` keeps shared caches (a CDN, a
 * corporate proxy) and the browser's disk from keeping customers, orders or
 * invoices. A plugin that set the header on purpose (a public, cached
 * answer) is left alone.
 */
import type { Plugin } from 'graphql-yoga';

export function useCacheControl(): Plugin {
  return {
    onResponse({ response }) {
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
    },
  };
}
