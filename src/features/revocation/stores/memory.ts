// Revocations in this process's memory.

import type { RevocationStore } from '../contract.ts'

/**
 * Revocations in this process's memory: for tests and single-process apps (every other process
 * would not see them). Expired entries are dropped as they are met and on every 100th write.
 *
 * @example
 * ```ts
 * const revoker = revocation({ store: memoryStore(), subject: (s) => s.get('user') })
 * ```
 */
export function memoryStore(options: { now?: () => number } = {}): RevocationStore {
  const now = options.now ?? Date.now
  const map = new Map<string, { value: number; until: number }>()
  let writes = 0
  const read = (key: string) => {
    const entry = map.get(key)
    if (entry !== undefined && !(now() < entry.until)) map.delete(key)
    else return entry?.value
    return undefined
  }
  return {
    async get(keys) {
      return keys.map(read)
    },
    async raise(key, value, ttlMs) {
      if (++writes % 100 === 0) for (const k of [...map.keys()]) read(k)
      const current = read(key)
      if (current !== undefined && current >= value) return
      map.set(key, { value, until: now() + ttlMs })
    },
  }
}
