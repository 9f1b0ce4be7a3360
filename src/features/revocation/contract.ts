// What every revocation store implements, and what the stores share with the checks: the error a
// failing store raises and the reading of a stored moment.

import { configError, SealedSessionError } from '../../core/errors.ts'

/**
 * Where revocations are kept. Every adapter here implements it; write your own for another
 * database. Values are milliseconds since the epoch. Keys are at most 200 bytes of UTF-8 (longer
 * subjects and ids are hashed), before any prefix the adapter adds.
 */
export interface RevocationStore {
  /** The values at `keys`, in order (`undefined` where absent), read in one round trip. */
  get(keys: readonly string[]): Promise<readonly (number | undefined)[]>
  /**
   * Sets `key` to `value` unless it already holds a greater one (concurrent revocations keep the
   * latest), kept for at least `ttlMs`.
   */
  raise(key: string, value: number, ttlMs: number): Promise<void>
}

/** The revocation store failed or timed out while revoking. */
export class RevocationError extends SealedSessionError {
  declare readonly code: 'ERR_REVOCATION_STORE'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REVOCATION_STORE', message)
    if (options && 'cause' in options) this.cause = options.cause
  }
}

/**
 * @internal The longest key, in bytes of UTF-8, the checks give a store: a longer one is hashed.
 * Workers KV refuses keys over 512 bytes, and an adapter adds its prefix.
 */
export const MAX_KEY_BYTES = 200

/** @internal A stored moment, as a store gives it back (a number, or a string of one). */
export function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** @internal */
export function invalid(message: string) {
  return configError('ERR_OPTION_INVALID', message)
}
