/**
 * Issue 14: a contract may name a host whose DNS answer is a metadata
 * address. The lookup the contract fetches use refuses such an answer,
 * whatever the name; real names resolving to ordinary addresses pass (the
 * hostile-contracts integration test fetches through "localhost").
 */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { createGuardedLookup, isAddressRefused } from '../../../../sources/common/index.js';

/** A resolver answering fixed addresses: the DNS a hostile contract's owner controls. */
const answering =
  (addresses: LookupAddress[]) =>
  (
    _hostname: string,
    _options: unknown,
    callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) =>
    callback(null, addresses);

function lookUp(
  lookup: ReturnType<typeof createGuardedLookup>,
  all: boolean,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) =>
    lookup('contracts.example', { all }, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  );
}

describe('guarded lookup', () => {
  it.each([
    ['169.254.169.254', 4],
    ['169.254.1.1', 4],
    ['0.0.0.0', 4],
    ['fe80::1', 6],
    ['fd00:ec2::254', 6],
    ['::ffff:169.254.169.254', 6],
  ])('refuses a name resolving to %s', async (address, family) => {
    const { error } = await lookUp(createGuardedLookup(answering([{ address, family }])), false);
    expect(isAddressRefused(error)).toBe(true);
    expect(error?.message).not.toContain(address);
  });

  it('refuses a round-robin answer with one forbidden address among good ones', async () => {
    const lookup = createGuardedLookup(
      answering([
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]),
    );
    expect(isAddressRefused((await lookUp(lookup, true)).error)).toBe(true);
    expect(isAddressRefused((await lookUp(lookup, false)).error)).toBe(true);
  });

  it('passes ordinary answers in both forms net.connect asks for', async () => {
    const lookup = createGuardedLookup(
      answering([
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ]),
    );
    expect(await lookUp(lookup, false)).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect(await lookUp(lookup, true)).toMatchObject({
      error: null,
      address: [{ address: '93.184.216.34' }, { address: '2606:2800:220:1::1' }],
    });
  });

  it('resolves a real name through the system resolver', async () => {
    const { error, address } = await new Promise<{
      error: NodeJS.ErrnoException | null;
      address: unknown;
    }>((resolve) =>
      createGuardedLookup()('localhost', { all: true }, (e, a) =>
        resolve({ error: e, address: a }),
      ),
    );
    expect(error).toBeNull();
    expect((address as LookupAddress[]).length).toBeGreaterThan(0);
  });

  it('finds a refusal through causes, and only a refusal', () => {
    const refused = Object.assign(new Error('x'), { code: 'ERR_SWITCHBOARD_ADDRESS_REFUSED' });
    expect(
      isAddressRefused(new Error('wrapped', { cause: new Error('again', { cause: refused }) })),
    ).toBe(true);
    expect(isAddressRefused(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isAddressRefused('ERR_SWITCHBOARD_ADDRESS_REFUSED')).toBe(false);
  });
});
