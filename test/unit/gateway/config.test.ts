import { describe, expect, it } from 'vitest';
import { DEFAULTS, GatewayError, defineConfig, resolveConfig, type SwitchboardConfig } from '../../../gateway/index.js';
import { createMemorySource } from './fixtures/memory-source.js';

async function rejection(config: unknown): Promise<GatewayError> {
  const error: unknown = await resolveConfig(config as SwitchboardConfig).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('resolveConfig', () => {
  it('awaits sources and fills every default', async () => {
    const source = createMemorySource();
    const resolved = await resolveConfig(defineConfig({ sources: [Promise.resolve(source)] }));
    expect(resolved.sources).toEqual([source]);
    expect(resolved.limits).toEqual(DEFAULTS.limits);
    expect(resolved.server).toEqual(DEFAULTS.server);
    expect(resolved.playground.enabled).toBe(true);
    expect(resolved.logging.level).toBe('info');
  });

  it('keeps given values', async () => {
    const resolved = await resolveConfig({ sources: [createMemorySource()], limits: { maxDepth: 3 }, server: { port: 0 }, logging: { level: 'silent' } });
    expect(resolved.limits.maxDepth).toBe(3);
    expect(resolved.limits.maxAliases).toBe(DEFAULTS.limits.maxAliases);
    expect(resolved.server.port).toBe(0);
    expect(resolved.logging.level).toBe('silent');
  });

  it.each([
    [{ sources: [createMemorySource()], limits: { maxDepth: 'deep' } }, 'limits.maxDepth', /should be an integer.*instead got "deep"/],
    [{ sources: [createMemorySource()], limits: { maxDeep: 3 } }, 'limits.maxDeep', /one of the known options/],
    [{ sources: [createMemorySource()], server: { port: 70000 } }, 'server.port', /from 0 to 65535, instead got 70000/],
    [{ sources: [createMemorySource()], logging: { level: 'loud' } }, 'logging.level', /"debug".*instead got "loud"/],
    [{ sources: [createMemorySource()], playground: { defaultTabs: [{ query: 1 }] } }, 'playground.defaultTabs[0].query', /a string, instead got 1/],
    [{ sources: [createMemorySource('shop'), createMemorySource('shop')] }, 'sources[1].name', /no other source has/],
    [{ sources: [{ name: 'x' }] }, 'sources[0].typeDefs', /DocumentNode/],
    [{ sources: [] }, 'sources', /at least one source/],
    [{ sources: 'storefront' }, 'sources', /array of sources/],
    [{ sources: [createMemorySource()], extra: true }, 'extra', /one of sources, server/],
  ])('rejects a bad option with CONFIG_INVALID, its path, the expectation and what arrived (%#)', async (config, path, message) => {
    const error = await rejection(config);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details.path).toBe(path);
    expect(error.safeMessage).toContain(`"${path}"`);
    expect(error.safeMessage).toMatch(message);
  });

  it('closes the sources that were built when another one fails', async () => {
    const built = createMemorySource('built');
    const failure = new Error('contract missing');
    const error: unknown = await resolveConfig({ sources: [built, Promise.reject(failure)] }).catch((caught: unknown) => caught);
    expect(error).toBe(failure);
    expect(built.closedCount()).toBe(1);
  });

  it('closes the sources when the config is invalid', async () => {
    const built = createMemorySource('built');
    await rejection({ sources: [built], limits: { maxCost: -1 } });
    expect(built.closedCount()).toBe(1);
  });
});
