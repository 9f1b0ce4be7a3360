// Revocations in Workers KV.

import { invalid, MAX_KEY_BYTES, numberOf, type RevocationStore } from '../contract.ts'

// Workers KV refuses a key over 512 bytes.
const KV_MAX_KEY_BYTES = 512

/** The part of a Workers KV namespace binding {@link kvStore} uses. */
export interface KvNamespaceLike {
  /** The value at `key`, or `null`. */
  get(key: string): Promise<string | null>
  /** Writes `value` at `key`, expiring after `expirationTtl` seconds. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
}

/**
 * Revocations in Workers KV. Eventually consistent: a revocation reaches other locations in
 * about 60 s, and KV caches a missing key (a check that found nothing) for 60 s as well, so a
 * revoked session may live on for about a minute elsewhere. Concurrent revocations of one
 * subject: each keeps the later moment it read, but KV has no compare-and-set, so the last write
 * wins. Use {@link durableObjectStore} for strong consistency.
 *
 * @example
 * ```ts
 * // wrangler.toml: [[kv_namespaces]] binding = "REVOKED"
 * revocation({ store: kvStore(env.REVOKED), subject: (s) => s.get('user') })
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` for a `prefix` over 312 bytes: with the
 * longest key revocation writes, KV would refuse it.
 */
export function kvStore(namespace: KvNamespaceLike, options: { prefix?: string } = {}): RevocationStore {
  const prefix = options.prefix ?? 'revoked:'
  const bytes = new TextEncoder().encode(prefix).length
  if (bytes + MAX_KEY_BYTES > KV_MAX_KEY_BYTES) {
    throw invalid(`kvStore: prefix must be at most ${KV_MAX_KEY_BYTES - MAX_KEY_BYTES} bytes; got ${bytes}`)
  }
  return {
    async get(keys) {
      const values = await Promise.all(keys.map((k) => namespace.get(prefix + k)))
      return values.map(numberOf)
    },
    async raise(key, value, ttlMs) {
      const current = numberOf(await namespace.get(prefix + key))
      if (current !== undefined && current >= value) return
      // KV's shortest expiry is 60 s.
      await namespace.put(prefix + key, String(value), {
        expirationTtl: Math.max(60, Math.ceil(ttlMs / 1000)),
      })
    },
  }
}
