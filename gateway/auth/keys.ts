/**
 * The gateway's signing keys. ES256 (ECDSA P-256 with SHA-256): WebCrypto
 * has it on every Node 20 (Ed25519 there is still marked experimental),
 * every JOSE library and identity provider verifies it, and its keys and
 * signatures are small (64-byte signatures, against RSA's 256+). EdDSA would
 * add deterministic signatures, but P-256 in WebCrypto already draws its
 * nonce from the OS RNG, so that risk is not ours to carry.
 *
 * A key ring is a list of keys; the newest one without `retiresAt` signs,
 * and every key not yet retired verifies and is published at
 * /.well-known/jwks.json. `keys rotate` adds a key and gives the others a
 * `retiresAt` of now + the longest token lifetime + the clock leeway, so
 * every token they signed expires before they go.
 *
 * Keys come from a file (mode 0600, created on first `token issue` or
 * `keys rotate`) or from the environment (`auth.signingKeys`).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { authError } from './errors.js';

export const SIGNING_ALGORITHM = 'ES256';

export interface StoredKey {
  readonly kid: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms after which the key neither verifies nor is published; null while it is the signing key. */
  readonly retiresAt: number | null;
  /** The private JWK (ES256: kty, crv, x, y, d). */
  readonly jwk: JWK;
}

export interface KeyFile {
  readonly version: 1;
  readonly keys: readonly StoredKey[];
}

/** The keys in use at one moment. */
export interface KeyRing {
  /** The key that signs new tokens, when there is one. */
  readonly signer: { readonly kid: string; readonly key: CryptoKey } | undefined;
  /** The public halves of every key not yet retired, for /.well-known/jwks.json. */
  readonly jwks: JSONWebKeySet;
  /** Finds the verification key of a token by its `kid` (jose's local JWKS). */
  readonly getKey: JWTVerifyGetKey;
}

/** Only these members of a key are public; `d` (and any other private part) never leaves. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y'] as const;

export function publicJwk(key: StoredKey): JWK {
  const pub: JWK = { kid: key.kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  for (const member of PUBLIC_MEMBERS)
    if (typeof key.jwk[member] === 'string') pub[member] = key.jwk[member];
  return pub;
}

/** A new ES256 key; its `kid` is its RFC 7638 thumbprint, so it names the key and nothing else. */
export async function generateKey(now: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { kid: await calculateJwkThumbprint(jwk), createdAt: now, retiresAt: null, jwk };
}

/** Builds the ring in force at `now` from stored keys. */
export async function keyRing(keys: readonly StoredKey[], now: number): Promise<KeyRing> {
  const live = keys.filter((key) => key.retiresAt === null || key.retiresAt > now);
  const current = live
    .filter((key) => key.retiresAt === null)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  const jwks: JSONWebKeySet = { keys: live.map(publicJwk) };
  let signer: KeyRing['signer'];
  if (current !== undefined) {
    try {
      signer = {
        kid: current.kid,
        key: (await importJWK(
          { ...current.jwk, alg: SIGNING_ALGORITHM },
          SIGNING_ALGORITHM,
        )) as CryptoKey,
      };
    } catch (cause) {
      throw authError(
        'AUTH_KEYS_UNAVAILABLE',
        `Signing key "${current.kid}" is not a valid private ES256 key.`,
        cause,
      );
    }
  }
  return { signer, jwks, getKey: createLocalJWKSet(jwks) };
}

function checkKeys(value: unknown, where: string): StoredKey[] {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw authError(
      'AUTH_KEYS_UNAVAILABLE',
      `${where} does not hold a key list ({"keys": [...]}).`,
    );
  return keys.map((key: unknown, index) => {
    const { kid, createdAt, retiresAt, jwk } = (key ?? {}) as Partial<StoredKey>;
    const ok =
      typeof kid === 'string' &&
      kid !== '' &&
      typeof createdAt === 'number' &&
      (retiresAt === null || typeof retiresAt === 'number') &&
      typeof jwk === 'object' &&
      jwk !== null;
    if (!ok || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
      throw authError(
        'AUTH_KEYS_UNAVAILABLE',
        `${where}: key ${index} is not a stored private ES256 key.`,
      );
    return { kid, createdAt, retiresAt, jwk } as StoredKey;
  });
}

/** Reads the key file; undefined when it does not exist yet. Refuses a file others may read (as ssh does). */
export async function readKeyFile(path: string): Promise<StoredKey[] | undefined> {
  const file = resolve(path);
  let text: string;
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0 && process.platform !== 'win32') {
      throw authError(
        'AUTH_KEYS_UNAVAILABLE',
        `The key file ${path} may be read by other users; run "chmod 600 ${path}".`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    if ((error as { code?: unknown }).code === 'AUTH_KEYS_UNAVAILABLE') throw error;
    throw authError('AUTH_KEYS_UNAVAILABLE', `The key file ${path} cannot be read.`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw authError('AUTH_KEYS_UNAVAILABLE', `The key file ${path} is not JSON.`, cause);
  }
  return checkKeys(parsed, `The key file ${path}`);
}

/** Writes the whole file at once (a temp file renamed over it), mode 0600, its folder 0700 when created. */
export async function writeKeyFile(path: string, keys: readonly StoredKey[]): Promise<void> {
  const file = resolve(path);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const body: KeyFile = { version: 1, keys };
  await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** The keys of the file, creating it with one new key on first use. */
export async function ensureKeyFile(path: string, now: number): Promise<StoredKey[]> {
  const existing = await readKeyFile(path);
  if (existing !== undefined && existing.some((key) => key.retiresAt === null)) return existing;
  const keys = [...(existing ?? []), await generateKey(now)];
  await writeKeyFile(path, keys);
  return keys;
}

/**
 * Adds a new signing key; every other key still signing retires at
 * now + `keepMs` (the longest token lifetime plus the leeway), and keys
 * already retired are dropped. Returns the new key's kid and the old ones' retirement.
 */
export async function rotateKeyFile(
  path: string,
  keepMs: number,
  now: number,
): Promise<{ kid: string; retiring: ReadonlyArray<{ kid: string; retiresAt: number }> }> {
  const existing = (await readKeyFile(path)) ?? [];
  const fresh = await generateKey(now);
  const kept = existing
    .filter((key) => key.retiresAt === null || key.retiresAt > now)
    .map((key) => (key.retiresAt === null ? { ...key, retiresAt: now + keepMs } : key));
  await writeKeyFile(path, [...kept, fresh]);
  return {
    kid: fresh.kid,
    retiring: kept.map((key) => ({ kid: key.kid, retiresAt: key.retiresAt as number })),
  };
}

/**
 * Keys from the environment: a private ES256 JWK, or `{"keys": [...]}` of
 * them (the first signs, the rest only verify). Each needs a `kid`, or gets
 * its thumbprint. Rotation is the operator's: put the new key first and keep
 * the old one listed for the longest token lifetime.
 */
export async function keysFromEnvironment(json: string, now: number): Promise<StoredKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw authError(
      'AUTH_KEYS_UNAVAILABLE',
      'Config option "auth.signingKeys" is not JSON.',
      cause,
    );
  }
  const list: unknown[] = Array.isArray((parsed as { keys?: unknown }).keys)
    ? (parsed as { keys: unknown[] }).keys
    : [parsed];
  return Promise.all(
    list.map(async (entry, index) => {
      const jwk = (entry ?? {}) as JWK;
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
        throw authError(
          'AUTH_KEYS_UNAVAILABLE',
          `Config option "auth.signingKeys": key ${index} is not a private ES256 (P-256) JWK.`,
        );
      const kid =
        typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : await calculateJwkThumbprint(jwk);
      // The first signs; the others verify until the operator removes them.
      return {
        kid,
        createdAt: now - index,
        retiresAt: index === 0 ? null : Number.MAX_SAFE_INTEGER,
        jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d },
      } satisfies StoredKey;
    }),
  );
}
