import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../gateway/config/index.js';
import { adminRefusal, createAdminGuard } from '../../../gateway/http/admin-guard.js';
import { createMemorySource } from './fixtures/memory-source.js';

const token = 'a'.repeat(16) + 'b'.repeat(16);

describe('admin guard', () => {
  it('is disabled without a token, whatever is sent', () => {
    const check = createAdminGuard(null);
    expect(check(`Bearer ${token}`)).toBe('disabled');
    expect(check(undefined)).toBe('disabled');
  });

  it('allows only the exact bearer token', () => {
    const check = createAdminGuard(token);
    expect(check(`Bearer ${token}`)).toBe('allowed');
    expect(check(`bearer ${token}`)).toBe('allowed');
    expect(check(`Bearer ${token}x`)).toBe('unauthorized');
    expect(check(`Bearer ${token.slice(1)}`)).toBe('unauthorized');
    expect(check(`Basic ${token}`)).toBe('unauthorized');
    expect(check(token)).toBe('unauthorized');
    expect(check('')).toBe('unauthorized');
    expect(check(null)).toBe('unauthorized');
  });

  it('refuses with 404 when disabled and 401 with no detail otherwise', async () => {
    expect(adminRefusal('disabled').status).toBe(404);
    const refused = adminRefusal('unauthorized');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await refused.text()).not.toContain(token);
  });

  it('refuses a short admin token in config without quoting it', async () => {
    const secret = 'short-secret-value';
    const failure = await resolveConfig({
      sources: [createMemorySource()],
      admin: { token: secret },
    }).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(failure?.code).toBe('CONFIG_INVALID');
    expect(failure?.message).toContain('admin.token');
    expect(failure?.message).not.toContain(secret);
  });

  it('takes an explicit null token as off (an unset variable), and refuses other non-strings', async () => {
    const resolved = await resolveConfig({
      sources: [createMemorySource()],
      admin: { token: null },
    });
    expect(resolved.admin.token).toBeNull();
    await expect(
      resolveConfig({
        sources: [createMemorySource()],
        admin: { token: 42 as unknown as string },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
