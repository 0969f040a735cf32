/** Which plan a caller's limits come from, and the config checks of rateLimits. */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../../gateway/auth/index.js';
import { createGateway, createLogger, DEFAULTS, GatewayError } from '../../../../gateway/index.js';
import { createMemoryLimiterStore } from '../../../../gateway/limits/index.js';
import { createCallerLimits, outerLimits } from '../../../../gateway/plugins/rate-limit.js';
import { createMemorySource } from '../fixtures/memory-source.js';

const logger = createLogger({ level: 'silent' });
const token = (plan?: string): Caller => ({
  kind: 'token',
  id: 'tok_1',
  scopes: new Set(),
  address: '127.0.0.1',
  ...(plan === undefined ? {} : { plan }),
});
const anonymous: Caller = {
  kind: 'anonymous',
  id: 'anonymous',
  scopes: new Set(),
  address: '127.0.0.1',
};

function config(rateLimits: Record<string, unknown>) {
  return {
    limits: DEFAULTS.limits,
    rateLimits: { ...DEFAULTS.rateLimits, ...rateLimits },
  } as Parameters<typeof createCallerLimits>[0];
}

describe('createCallerLimits', () => {
  const plans = {
    gold: { requests: 1000, maxCost: 20_000 },
    basic: { requests: 10 },
    free: { requests: 5 },
  };

  it('gives a token its own plan, else the default plan; a caller without a token the anonymous plan', () => {
    const limits = createCallerLimits(
      config({ plans, defaultPlan: 'basic', anonymousPlan: 'free' }),
      createMemoryLimiterStore(),
      logger,
    );
    expect(limits.planOf(token('gold'))?.name).toBe('gold');
    expect(limits.planOf(token('gold'))?.maxCost).toBe(20_000);
    expect(limits.planOf(token('platinum'))?.name).toBe('basic');
    expect(limits.planOf(token())?.name).toBe('basic');
    expect(limits.planOf(anonymous)?.name).toBe('free');
  });

  it('leaves callers without a plan to limits.* alone', () => {
    const limits = createCallerLimits(config({ plans }), createMemoryLimiterStore(), logger);
    expect(limits.planOf(token())).toBeUndefined();
    expect(limits.planOf(anonymous)).toBeUndefined();
  });

  it('refuses a default or anonymous plan that is not configured', () => {
    expect(() =>
      createCallerLimits(
        config({ plans, anonymousPlan: 'nope' }),
        createMemoryLimiterStore(),
        logger,
      ),
    ).toThrow(/rateLimits.anonymousPlan.*"nope"/);
  });

  it("raises armor's coarse gate to the highest limit any plan has", () => {
    expect(outerLimits(config({ plans: { wide: { maxAliases: 40, maxDepth: 5 } } }))).toEqual({
      maxDepth: 12,
      maxAliases: 40,
    });
  });
});

describe('rateLimits config', () => {
  it('refuses store "redis" without redisUrl, and unknown plan members', async () => {
    await expect(
      createGateway({
        sources: [createMemorySource('rl')],
        rateLimits: { store: 'redis' },
        logging: { level: 'silent' },
      }),
    ).rejects.toThrow(/rateLimits.redisUrl/);
    await expect(
      createGateway({
        sources: [createMemorySource('rl')],
        rateLimits: { plans: { gold: { requets: 5 } as never } },
        logging: { level: 'silent' },
      }),
    ).rejects.toBeInstanceOf(GatewayError);
  });

  it('refuses a malformed anonymous scope', async () => {
    await expect(
      createGateway({
        sources: [createMemorySource('rl')],
        auth: { anonymousScopes: ['has space'] },
        logging: { level: 'silent' },
      }),
    ).rejects.toThrow(/auth.anonymousScopes\[0\]/);
  });
});
