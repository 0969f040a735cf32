import { describe, expect, it } from 'vitest';
import { createReadCache, type ReadCacheOptions } from '../../../../gateway/cache/index.js';
import { createLogger, isGatewayError } from '../../../../gateway/index.js';

const base: ReadCacheOptions = {
  store: 'memory',
  maxEntries: 10,
  maxBytes: 1_000,
  keyPrefix: 'p:',
  logger: createLogger({ level: 'silent' }),
};

async function refusal(
  options: Partial<ReadCacheOptions> | Record<string, unknown>,
): Promise<{ code: string; message: string; path: unknown }> {
  try {
    await createReadCache({ ...base, ...options } as ReadCacheOptions);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return { code: error.code, message: error.safeMessage, path: error.details.path };
  }
  throw new Error('createReadCache accepted the options');
}

describe('createReadCache refuses bad options with CONFIG_INVALID and the option path', () => {
  it.each([
    [{ store: 'disk' }, 'cache.store'],
    [{ maxEntries: 0 }, 'cache.maxEntries'],
    [{ maxBytes: 1.5 }, 'cache.maxBytes'],
    [{ memoryTierTtlMs: -1 }, 'cache.memoryTierTtlMs'],
    [{ keyPrefix: 42 }, 'cache.keyPrefix'],
    [{ store: 'redis' }, 'cache.redisUrl'],
    [{ store: 'redis', redisUrl: 'http://127.0.0.1:6379' }, 'cache.redisUrl'],
  ])('%j', async (options, path) => {
    const { code, path: got } = await refusal(options);
    expect(code).toBe('CONFIG_INVALID');
    expect(got).toBe(path);
  });

  it('never repeats a redisUrl (it may hold a password) in its message', async () => {
    const { message } = await refusal({
      store: 'redis',
      redisUrl: 'postgres://admin:hunter2@db:5432',
    });
    expect(message).not.toContain('hunter2');
  });
});
