// Secrets -> derived, non-extractable subkeys, cached per secret list.
//
// Each secret goes through HKDF-SHA-256 (RFC 5869) once, with an `info` label per mode, so the
// encrypted and signed modes never share a key even when they share a secret. A second label
// derives a 3-byte key id that tokens carry, so a reader picks the key by id instead of trying
// every configured key. One-off tokens (seal.ts) get labels of their own, so a session cookie and a
// one-off token never open as each other even under the same secret.

import { base64urlEncode, encoder } from './encoding.ts'
import { configError, describe } from './errors.ts'

/**
 * How a session cookie is protected: `encrypted` (AES-256-GCM: the client can neither read nor
 * change it) or `signed` (HMAC-SHA-256 over readable data: the client can read, not change it).
 */
export type Mode = 'encrypted' | 'signed'

/** @internal What a keyring is for: a session mode, or `seal` for one-off tokens (AES-GCM). */
export type KeyUse = Mode | 'seal'

/** A secret: a string (UTF-8 bytes) or raw bytes, at least 32 bytes either way. */
export type Secret = string | Uint8Array

/** @internal */
export interface Keyring {
  /** The newest key; every seal uses it. */
  readonly current: SessionKey
  /** Every configured key by id, the newest included. */
  readonly byId: ReadonlyMap<string, SessionKey>
}

/** @internal */
export interface SessionKey {
  /** 4 base64url characters naming this key inside tokens. */
  readonly id: string
  readonly key: CryptoKey
}

const MIN_SECRET_BYTES = 32

// Secrets of 32 bytes or more shown in this project's README, docs and examples (shorter ones
// already fail the length rule). A deployment using one has a key anyone can read, so they are
// refused outright. test/docs-secrets.mjs finds every such literal and fails until it is listed.
/** @internal */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  // examples/migrating/before.mjs: the old iron-session password.
  'an-old-iron-password-0123456789-abcdef',
])

const SALT = encoder.encode('sealed-session')
// HKDF `info` is `sealed-session v1 <label>` for the key and `sealed-session v1 key id <label>` for
// its id (docs/FORMAT.md). Encoded when a key is derived, which happens once per secret list.
const LABEL: Record<KeyUse, string> = {
  encrypted: 'aes-256-gcm',
  signed: 'hmac-sha-256',
  seal: 'seal aes-256-gcm',
}

function bad(message: string): never {
  throw configError('ERR_SECRET_INVALID', message)
}

/** @internal Checks and normalises `secret` at setup. Newest secret first. */
export function normalizeSecrets(secret: unknown): Uint8Array[] {
  const list = Array.isArray(secret) ? secret : [secret]
  if (list.length === 0) bad('secret is an empty list')
  // Read by index, holes included (map() skips them: an unset variable in `[NEW, OLD]`), never
  // through an iterator, as the options function's copy reads it.
  const secrets = Array.from({ length: list.length }, (_, i) => {
    const s: unknown = list[i]
    const where = Array.isArray(secret) ? `secret[${i}]` : 'secret'
    let bytes: Uint8Array
    if (s === undefined || s === null || s === '') {
      // Nearly always an unset environment variable: say where each runtime reads one from.
      bad(
        `${where} is ${s === '' ? 'empty' : `missing (${s})`}; set it in .dev.vars or with \`wrangler secret put\` (Workers), ` +
          `.env or the environment (Node, Deno, Bun; SvelteKit: $app/env/private), .env.local (Next.js); ` +
          `generate one: openssl rand -base64 32`,
      )
    }
    if (typeof s === 'string') {
      if (PUBLISHED_SECRETS.has(s)) {
        bad(`${where} is an example from the docs; generate your own: openssl rand -base64 32`)
      }
      bytes = encoder.encode(s)
    } else if (s instanceof Uint8Array) {
      // A copy in a buffer of its own: a Node, Bun or Deno Buffer's slice() is a view, and an app
      // that wipes or reuses its buffer after setup must not change the key.
      bytes = new Uint8Array(s)
    } else {
      bad(`${where} must be a string or Uint8Array; got ${describe(s)}`)
    }
    if (bytes.length < MIN_SECRET_BYTES) {
      bad(`${where} is ${bytes.length} bytes, under ${MIN_SECRET_BYTES}: openssl rand -base64 32`)
    }
    if (bytes.every((b) => b === bytes[0])) {
      bad(`${where} is one repeated byte; use random bytes`)
    }
    return bytes
  })
  for (let i = 1; i < secrets.length; i++) {
    for (let j = 0; j < i; j++) {
      if (equalBytes(secrets[i]!, secrets[j]!)) {
        bad(`secret[${i}] equals secret[${j}]; remove one`)
      }
    }
  }
  return secrets
}

/** @internal */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

// Cache: one keyring per secret list and mode, keyed by the secrets' base64url form (the secrets
// are in memory anyway). Sized for multi-tenant apps whose options function returns one secret
// per tenant: the 1,024 most recently used stay derived (a keyring is a few hundred bytes), and
// an app with more tenants than that re-derives only for the least recently seen.
const MAX_CACHED_KEYRINGS = 1024
const keyrings = new Map<string, Promise<Keyring>>()

/**
 * Returns the keyring for these secrets, deriving it once; concurrent callers share one promise.
 * @internal
 */
export function getKeyring(secrets: readonly Uint8Array[], mode: KeyUse): Promise<Keyring> {
  let cacheKey: string = mode
  for (const s of secrets) cacheKey += `.${base64urlEncode(s)}`
  let ring = keyrings.get(cacheKey)
  if (ring !== undefined) {
    // Most recently used last; eviction takes the oldest from the front.
    keyrings.delete(cacheKey)
    keyrings.set(cacheKey, ring)
  } else {
    if (keyrings.size >= MAX_CACHED_KEYRINGS) keyrings.delete(keyrings.keys().next().value as string)
    ring = deriveKeyring(secrets, mode)
    keyrings.set(cacheKey, ring)
  }
  // A failed derivation must not poison the cache for later requests.
  ring.catch(() => {
    if (keyrings.get(cacheKey) === ring) keyrings.delete(cacheKey)
  })
  return ring
}

/**
 * @internal
 * The keyring of one configuration, derived on first use and then held: the per-request path asks
 * for it without building any cache key, and once derived gets it back as a plain value (no
 * promise to await). A failed derivation is not held, so a later call tries again.
 */
export function keyringOf(secrets: readonly Uint8Array[], use: KeyUse): () => Keyring | Promise<Keyring> {
  let ring: Promise<Keyring> | undefined
  let ready: Keyring | undefined
  return () => {
    if (ready !== undefined) return ready
    if (ring === undefined) {
      const pending = getKeyring(secrets, use)
      ring = pending
      pending.then(
        (value) => {
          if (ring === pending) ready = value
        },
        () => {
          if (ring === pending) ring = undefined
        },
      )
    }
    return ring
  }
}

async function deriveKeyring(secrets: readonly Uint8Array[], mode: KeyUse): Promise<Keyring> {
  const keys = await Promise.all(secrets.map((s) => deriveKey(s, mode)))
  const byId = new Map<string, SessionKey>()
  for (const k of keys) {
    if (byId.has(k.id)) {
      bad('two secrets share a key id; remove one')
    }
    byId.set(k.id, k)
  }
  return { current: keys[0]!, byId }
}

async function deriveKey(secret: Uint8Array, mode: KeyUse): Promise<SessionKey> {
  const subtle = crypto.subtle
  const ikm = await subtle.importKey('raw', secret as BufferSource, 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ])
  const hkdf = (label: string) =>
    ({
      name: 'HKDF',
      hash: 'SHA-256',
      salt: SALT,
      info: encoder.encode(`sealed-session v1 ${label}`),
    }) as HkdfParams
  const label = LABEL[mode]
  const [key, idBits] = await Promise.all([
    mode === 'signed'
      ? subtle.deriveKey(hkdf(label), ikm, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
          'sign',
          'verify',
        ])
      : subtle.deriveKey(hkdf(label), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    subtle.deriveBits(hkdf(`key id ${label}`), ikm, 24),
  ])
  return { id: base64urlEncode(new Uint8Array(idBits)), key }
}
