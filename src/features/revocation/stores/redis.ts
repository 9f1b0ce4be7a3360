// Revocations in Redis.

import { invalid, numberOf, type RevocationStore } from '../contract.ts'

/**
 * A Redis client, duck-typed: node-redis (`sendCommand`), ioredis (`call`), or Bun's built-in
 * `RedisClient` (`send`).
 */
export type RedisCommands =
  | {
      /** Bun's `RedisClient`. */
      send(command: string, args: string[]): Promise<unknown>
    }
  | {
      /** ioredis. */
      call(command: string, ...args: string[]): Promise<unknown>
    }
  | {
      /** node-redis. */
      sendCommand(args: string[]): Promise<unknown>
    }

// Raises a key to at least ARGV[1] atomically, with its time to live (ms) in ARGV[2].
const RAISE = `local c = tonumber(redis.call('GET', KEYS[1]))
if c and c >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

/**
 * Revocations in Redis, through node-redis, ioredis or Bun's `RedisClient`: one `MGET` per
 * check, one `EVAL` per revocation (a concurrent lower value never overwrites a higher one).
 * Strongly consistent on the primary; a read from a replica lags behind it.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * const store = redisStore(client)
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` when `client` has none of the methods above.
 */
export function redisStore(client: RedisCommands, options: { prefix?: string } = {}): RevocationStore {
  const prefix = options.prefix ?? 'sealed-session:revoked:'
  // Bind to the client: node-redis and ioredis read their connection from `this`.
  const c = client as {
    send?: (command: string, args: string[]) => Promise<unknown>
    call?: (command: string, ...args: string[]) => Promise<unknown>
    sendCommand?: (args: string[]) => Promise<unknown>
  }
  let command: (args: string[]) => Promise<unknown>
  if (typeof c.send === 'function') command = ([name, ...args]) => c.send!(name!, args)
  else if (typeof c.call === 'function') command = ([name, ...args]) => c.call!(name!, ...args)
  else if (typeof c.sendCommand === 'function') command = (args) => c.sendCommand!(args)
  else throw invalid('redisStore: client must have send (Bun), call (ioredis) or sendCommand (node-redis)')
  return {
    async get(keys) {
      const values = (await command(['MGET', ...keys.map((k) => prefix + k)])) as unknown[]
      return keys.map((_, i) => numberOf(values[i]))
    },
    async raise(key, value, ttlMs) {
      await command(['EVAL', RAISE, '1', prefix + key, String(value), String(Math.max(1, Math.ceil(ttlMs)))])
    },
  }
}
