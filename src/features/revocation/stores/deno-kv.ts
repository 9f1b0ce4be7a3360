// Revocations in Deno KV.

import { numberOf, RevocationError, type RevocationStore } from '../contract.ts'

/** The part of a `Deno.Kv` this uses. */
export interface DenoKvLike {
  /** The entries at `keys`, in one read. */
  getMany(keys: unknown[][], options?: { consistency?: 'strong' | 'eventual' }): Promise<{ value: unknown }[]>
  /** The entry at `key`, with its versionstamp. */
  get(key: unknown[]): Promise<{ value: unknown; versionstamp: string | null }>
  /** A compare-and-set transaction. */
  atomic(): {
    /** Fails the commit unless `entry.key` still has `entry.versionstamp`. */
    check(entry: { key: unknown[]; versionstamp: string | null }): ReturnType<DenoKvLike['atomic']>
    /** Writes `value` at `key`, expiring after `expireIn` ms. */
    set(key: unknown[], value: unknown, options?: { expireIn?: number }): ReturnType<DenoKvLike['atomic']>
    /** Applies the transaction; `ok` is false when a check failed. */
    commit(): Promise<{ ok: boolean }>
  }
}

/**
 * Revocations in Deno KV (`await Deno.openKv()`): strongly consistent reads (`getMany`, one
 * round trip), and compare-and-set writes, so concurrent revocations keep the latest moment.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv()
 * revocation({ store: denoKvStore(kv), subject: (s) => s.get('user') })
 * ```
 */
export function denoKvStore(kv: DenoKvLike, options: { prefix?: string } = {}): RevocationStore {
  const prefix = options.prefix ?? 'sealed-session-revoked'
  return {
    async get(keys) {
      const entries = await kv.getMany(
        keys.map((k) => [prefix, k]),
        { consistency: 'strong' },
      )
      return entries.map((e) => numberOf(e.value))
    },
    async raise(key, value, ttlMs) {
      const k = [prefix, key]
      for (let attempt = 0; attempt < 10; attempt++) {
        const current = await kv.get(k)
        const held = numberOf(current.value)
        if (held !== undefined && held >= value) return
        const { ok } = await kv
          .atomic()
          .check({ key: k, versionstamp: current.versionstamp })
          .set(k, value, { expireIn: Math.max(1, Math.ceil(ttlMs)) })
          .commit()
        if (ok) return
      }
      throw new RevocationError('Deno KV: too many concurrent writes to one revocation')
    },
  }
}
