/**
 * Opt-in revocation: end one session by its id, or every session of a subject (a user id your
 * app names) issued before a moment: "log out everywhere", "password changed". Pass
 * `revocation: revocation({ store, subject })` to the session options; only apps that import
 * this subpath ship its code.
 *
 * A revoked session is refused on its next check: the store is asked at most once per session
 * per `checkInterval` (30 s by default) and before any re-seal of a session not yet checked in
 * that request; {@link Revocation.verify} forces a check on sensitive routes. Between checks a
 * read-only request makes no store call. Stores: {@link memoryStore} (one process),
 * {@link redisStore}, {@link kvStore} (Workers KV), {@link durableObjectStore} (with
 * {@link RevocationObject}), {@link denoKvStore}. Their consistency windows: docs/revocation.md.
 *
 * @example Cloudflare Workers, "log out everywhere"
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { kvStore, revocation } from 'sealed-session/revocation'
 *
 * let revoker: Revocation | undefined
 * export default {
 *   fetch: withSession(async (request, session, env: Env) => {
 *     if (new URL(request.url).pathname === '/logout-everywhere') {
 *       await revoker!.revokeSubject(session.get('user'))
 *       session.destroy()
 *     }
 *     return new Response('ok')
 *   }, (request, env) => ({
 *     secret: env.SESSION_SECRET,
 *     revocation: (revoker ??= revocation({ store: kvStore(env.REVOKED), subject: (s) => s.get('user') })),
 *   })),
 * }
 * ```
 *
 * @module sealed-session/revocation
 */

import { configError, SealedSessionError } from '../../core/errors.ts'
import type { Session } from '../../core/session.ts'

/**
 * Where revocations are kept. Every adapter here implements it; write your own for another
 * database. Values are milliseconds since the epoch.
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

/** A session of any data type, as revocation reads it. */
export type AnySession = Pick<Session, 'id' | 'createdAt' | 'lifetime'>

/** What {@link Revocation.verify} found. */
export type Verification = 'valid' | 'revoked' | 'unverified'

/**
 * @internal The core's view of a check: `undefined` when the session may be used (and written);
 * revoked; refused (the store did not answer, `onUnavailable: 'refuse'`); kept unchecked
 * (`'allow'`), never re-sealed.
 */
export type Verdict = undefined | 'revoked' | 'refused' | 'unchecked'

/** Options of {@link revocation}. */
export interface RevocationOptions<Data extends object = Record<string, unknown>> {
  /** Where revocations are kept. */
  store: RevocationStore
  /**
   * The subject (a user id) a session belongs to, read from its data on every check without a
   * store read; `undefined` for a session of nobody (signed out). Needed by `revokeSubject`.
   * @example (session) => session.get('user')
   * @default undefined (no session has a subject: `revokeSubject` ends none)
   */
  subject?: (session: Session<Data, never>) => string | undefined
  /**
   * Seconds a successful check is trusted before the store is asked again for that session.
   * 0 asks on every request.
   * @default 30
   */
  checkInterval?: number
  /**
   * Seconds to wait for the store before the session counts as unverified.
   * @default 1
   */
  timeout?: number
  /**
   * When the store fails, hangs or is slow: `'refuse'` treats the request as signed out,
   * `'allow'` keeps the session unchecked. Either way nothing is written for it, so the browser
   * keeps its cookie, and `onInvalid` hears `'unverified'`.
   * @default 'refuse'
   */
  onUnavailable?: 'refuse' | 'allow'
  /**
   * Sessions whose last check this process remembers (least recently checked forgotten first;
   * a forgotten one is just checked again).
   * @default 10000
   */
  entries?: number
  /**
   * The longest `maxAge` (seconds) of the stores using this revocation: how long a subject's
   * revocation is kept.
   * @default the largest `maxAge` seen so far, or 400 days before any
   */
  maxAge?: number
  /**
   * Clock in ms since the epoch.
   * @default Date.now
   */
  now?: () => number
}

/** What {@link revocation} returns: pass it as the `revocation` option, and revoke through it. */
// `_Data` only names the session data it was made for (`Revocation<MyData>`); nothing here uses it.
export interface Revocation<_Data extends object = Record<string, unknown>> {
  /**
   * Revokes one session, by its `Session` (kept only until it would have expired) or its `id`
   * (kept for the longest `maxAge`).
   * @throws {RevocationError} `ERR_REVOCATION_STORE` when the store failed or timed out.
   */
  revoke(target: AnySession | string): Promise<void>
  /**
   * Revokes every session of `subject` issued before `before` (default now): "log out
   * everywhere". A session issued within `clockSkew` before it survives (see docs/revocation.md). A
   * session of yours that should live on: `session.regenerate()` after this call.
   * @returns the moment recorded, ms since the epoch.
   * @throws {RevocationError} `ERR_REVOCATION_STORE` when the store failed or timed out.
   */
  revokeSubject(subject: string, before?: number): Promise<number>
  /**
   * Asks the store now, whatever the interval: for sensitive routes. `'unverified'` when the
   * store cannot answer, whatever `onUnavailable` says. A session the request did not load
   * (new, or regenerated into a new login) is `'valid'`.
   */
  verify(session: AnySession): Promise<Verification>
  /** @internal At load: may the session be used? */
  readonly admit: (
    session: object,
    config: { skewMs: number; maxAgeMs: number },
  ) => Verdict | Promise<Verdict>
  /** @internal Before a loaded session is re-sealed. */
  readonly sealing: (session: object) => Verdict | Promise<Verdict>
}

/** The revocation store failed or timed out while revoking. */
export class RevocationError extends SealedSessionError {
  declare readonly code: 'ERR_REVOCATION_STORE'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REVOCATION_STORE', message)
    if (options && 'cause' in options) this.cause = options.cause
  }
}

/** What one request knows of a loaded session. */
interface State {
  /** The memory key: id and subject. */
  readonly key: string
  readonly id: string
  readonly subject: string | undefined
  readonly created: number
  readonly skewMs: number
  /** Asked the store in this request (or found revoked): the verdict stands. */
  checked: boolean
  verdict: Verdict
}

const MAX_LIFETIME_MS = 400 * 24 * 3600 * 1000

// Key spaces in the store: one session id, and a subject's "valid after" moment.
const SESSION_KEY = 's:'
const SUBJECT_KEY = 'u:'

/**
 * Revocation for the `revocation` session option.
 *
 * @example
 * ```ts
 * const revoker = revocation({ store: redisStore(client), subject: (s) => s.get('user') })
 * const store = createSessionStore({ secret, revocation: revoker })
 * // on password change:
 * await revoker.revokeSubject(userId)
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` for a missing store or an option out of range.
 */
export function revocation<Data extends object = Record<string, unknown>>(
  options: RevocationOptions<Data>,
): Revocation<Data> {
  const { store, subject, onUnavailable = 'refuse', entries = 10_000, now = Date.now } = options
  if (typeof store?.get !== 'function' || typeof store.raise !== 'function') {
    throw invalid('revocation: store must be a RevocationStore ({ get, raise })')
  }
  const intervalMs = positive(options.checkInterval, 30, 'checkInterval', true)
  const timeoutMs = positive(options.timeout, 1, 'timeout', false)
  let maxAgeMs = options.maxAge === undefined ? 0 : positive(options.maxAge, 0, 'maxAge', false)
  const fixedMaxAge = maxAgeMs > 0
  if (subject !== undefined && typeof subject !== 'function')
    throw invalid('revocation: subject must be a function')
  if (onUnavailable !== 'refuse' && onUnavailable !== 'allow') {
    throw invalid(`revocation: onUnavailable must be 'refuse' or 'allow'; got ${String(onUnavailable)}`)
  }
  if (!Number.isSafeInteger(entries) || entries < 1)
    throw invalid('revocation: entries must be a positive integer')

  const states = new WeakMap<object, State>()
  /** Memory key → when the store last vouched for it (this clock). Oldest first. */
  const checkedAt = new Map<string, number>()
  /** Store reads under way, shared by concurrent requests of one session. */
  const pending = new Map<string, Promise<Verdict>>()
  /** What this process revoked itself: applied at once, without waiting for an interval. */
  const revokedIds = new Map<string, number>()
  const validAfter = new Map<string, number>()

  function remember<K>(map: Map<K, number>, key: K, value: number): void {
    map.delete(key)
    map.set(key, value)
    if (map.size > entries) map.delete(map.keys().next().value as K)
  }

  function judge(state: State, revokedAt: number | undefined, after: number | undefined): boolean {
    // Revoked when named, or issued before its subject's moment by more than the clock skew: a
    // login on a server whose clock runs behind the revoking one's must not die with the rest.
    return revokedAt !== undefined || (after !== undefined && state.created + state.skewMs < after)
  }

  /** A store call within the timeout; rejects on failure or timeout. */
  function timed<T>(call: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    return Promise.race([
      new Promise<T>((resolve) => resolve(call())),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RevocationError(`revocation store did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        )
      }),
    ]).finally(() => clearTimeout(timer))
  }

  /** Asks the store about a session (one batched read); never rejects. */
  function ask(state: State): Promise<Verdict> {
    const shared = pending.get(state.key)
    if (shared) return shared
    const keys = [SESSION_KEY + state.id]
    if (state.subject !== undefined) keys.push(SUBJECT_KEY + state.subject)
    const read = timed(() => store.get(keys)).then(
      ([revokedAt, after]) => {
        if (judge(state, revokedAt, after)) return 'revoked' as const
        remember(checkedAt, state.key, now())
        return undefined
      },
      () => (onUnavailable === 'allow' ? ('unchecked' as const) : ('refused' as const)),
    )
    pending.set(state.key, read)
    return read.finally(() => pending.delete(state.key))
  }

  function locallyRevoked(state: State): boolean {
    const after = state.subject === undefined ? undefined : validAfter.get(state.subject)
    return judge(state, revokedIds.get(state.id), after)
  }

  async function checked(state: State): Promise<Verdict> {
    const verdict = locallyRevoked(state) ? 'revoked' : await ask(state)
    // Found revoked: every later request of it is refused here without a store read.
    if (verdict === 'revoked') remember(revokedIds, state.id, now())
    state.verdict = verdict
    state.checked = true
    return verdict
  }

  async function write(key: string, value: number, ttlMs: number): Promise<void> {
    try {
      await timed(() => store.raise(key, value, Math.ceil(ttlMs)))
    } catch (error) {
      throw error instanceof RevocationError
        ? error
        : new RevocationError('revocation store failed', { cause: error })
    }
  }

  function lifetime(): number {
    return maxAgeMs > 0 ? maxAgeMs : MAX_LIFETIME_MS
  }

  return {
    async revoke(target) {
      const at = now()
      let id: string
      let ttlMs: number
      if (typeof target === 'string') {
        id = target
        ttlMs = lifetime()
      } else {
        id = target.id
        // Until it would have expired anyway, whatever rewrites renewed its idle deadline.
        ttlMs = target.createdAt + target.lifetime.maxAge * 1000 - at
        if (!(ttlMs > 0)) return
      }
      remember(revokedIds, id, at)
      await write(SESSION_KEY + id, at, ttlMs + 60_000)
    },

    async revokeSubject(who, before = now()) {
      if (typeof who !== 'string') throw invalid('revokeSubject: subject must be a string')
      remember(validAfter, who, Math.max(before, validAfter.get(who) ?? before))
      // Sessions issued before `before` end by `before + maxAge` at the latest.
      await write(SUBJECT_KEY + who, before, before - now() + lifetime() + 60_000)
      return before
    },

    async verify(session) {
      const state = states.get(session)
      if (state === undefined) return 'valid'
      checkedAt.delete(state.key)
      const verdict = await checked(state)
      return verdict === undefined ? 'valid' : verdict === 'revoked' ? 'revoked' : 'unverified'
    },

    admit(session, config) {
      if (!fixedMaxAge && config.maxAgeMs > maxAgeMs) maxAgeMs = config.maxAgeMs
      const s = session as Session<Data, never>
      const who = subject?.(s)
      const id = s.id
      const state: State = {
        key: who === undefined ? id : `${id} ${who}`,
        id,
        subject: who,
        created: s.createdAt,
        skewMs: config.skewMs,
        checked: false,
        verdict: undefined,
      }
      states.set(session, state)
      if (locallyRevoked(state)) {
        state.checked = true
        state.verdict = 'revoked'
        return 'revoked'
      }
      const last = checkedAt.get(state.key)
      // Trusted for the interval; a clock that steps back does not extend it.
      if (last !== undefined && now() - last < intervalMs && now() >= last) return undefined
      return checked(state)
    },

    sealing(session) {
      const state = states.get(session)
      if (state === undefined) return undefined
      if (state.checked || state.verdict === 'unchecked') return state.verdict
      return checked(state)
    },
  }
}

function invalid(message: string) {
  return configError('ERR_OPTION_INVALID', message)
}

function positive(value: unknown, fallback: number, name: string, allowZero: boolean): number {
  if (value === undefined) return fallback * 1000
  if (
    typeof value !== 'number' ||
    !(value > 0 || (allowZero && value === 0)) ||
    !(value <= 400 * 24 * 3600)
  ) {
    throw invalid(
      `revocation: ${name} must be seconds${allowZero ? ' from 0' : ' above 0'}; got ${String(value)}`,
    )
  }
  return value * 1000
}

// --- stores ------------------------------------------------------------------------------------

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
 */
export function kvStore(namespace: KvNamespaceLike, options: { prefix?: string } = {}): RevocationStore {
  const prefix = options.prefix ?? 'revoked:'
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

/** The part of a Durable Object namespace binding this uses. */
export interface DurableObjectNamespaceLike {
  /** The id of the object named `name`. */
  idFromName(name: string): unknown
  /** The stub of the object `id`, whose `fetch` reaches {@link RevocationObject.fetch}. */
  get(id: never): {
    /** Sends a request to the object. */
    fetch(url: string, init: RequestInit): Promise<Response>
  }
}

/**
 * Revocations in a Durable Object ({@link RevocationObject}): strongly consistent, one object
 * for all (`name`), so every check is a round trip to wherever it lives.
 *
 * @example
 * ```ts
 * // wrangler.toml: [[durable_objects.bindings]] name = "REVOCATION", class_name = "RevocationObject"
 * export { RevocationObject } from 'sealed-session/revocation'
 * revocation({ store: durableObjectStore(env.REVOCATION), subject: (s) => s.get('user') })
 * ```
 */
export function durableObjectStore(
  namespace: DurableObjectNamespaceLike,
  options: { name?: string } = {},
): RevocationStore {
  const stub = () => namespace.get(namespace.idFromName(options.name ?? 'revocation') as never)
  const call = async (path: string, body: unknown) => {
    const response = await stub().fetch(`https://revocation/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new RevocationError(`revocation object answered ${response.status}`)
    return response.json() as Promise<unknown>
  }
  return {
    async get(keys) {
      const values = (await call('get', keys)) as unknown[]
      return keys.map((_, i) => numberOf(values[i]))
    },
    async raise(key, value, ttlMs) {
      await call('raise', { key, value, ttlMs })
    },
  }
}

/** The part of `DurableObjectState` {@link RevocationObject} uses. */
export interface DurableObjectStateLike {
  /** The object's transactional storage. */
  storage: {
    get<T>(keys: string[]): Promise<Map<string, T>>
    get<T>(key: string): Promise<T | undefined>
    put<T>(key: string, value: T): Promise<void>
    delete(keys: string[]): Promise<number>
    list<T>(options?: { limit?: number }): Promise<Map<string, T>>
    getAlarm(): Promise<number | null>
    setAlarm(at: number): Promise<void>
  }
}

interface Stored {
  value: number
  until: number
}

/**
 * The Durable Object class behind {@link durableObjectStore}. Export it from your Worker and bind
 * it (`[[durable_objects.bindings]]`, with a migration listing it in `new_sqlite_classes`).
 * Expired entries are deleted by an alarm.
 *
 * @example
 * ```ts
 * // worker.ts: the runtime constructs it; export it beside your handler.
 * export { RevocationObject } from 'sealed-session/revocation'
 * ```
 */
export class RevocationObject {
  readonly #storage: DurableObjectStateLike['storage']

  constructor(state: DurableObjectStateLike) {
    this.#storage = state.storage
  }

  /** Answers {@link durableObjectStore}'s requests: `POST /get` and `POST /raise`. */
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    const body = (await request.json()) as unknown
    const at = Date.now()
    if (path === '/get' && Array.isArray(body)) {
      const found = await this.#storage.get<Stored>(body.map(String))
      return Response.json(body.map((k) => live(found.get(String(k)), at)))
    }
    const { key, value, ttlMs } = (body ?? {}) as Partial<Record<string, unknown>>
    if (
      path === '/raise' &&
      typeof key === 'string' &&
      typeof value === 'number' &&
      typeof ttlMs === 'number'
    ) {
      // One object runs one request at a time between awaits on storage: read and write are atomic.
      const current = live(await this.#storage.get<Stored>(key), at)
      if (current === undefined || current < value) {
        const until = at + ttlMs
        await this.#storage.put(key, { value, until })
        const alarm = await this.#storage.getAlarm()
        if (alarm === null || alarm > until) await this.#storage.setAlarm(until)
      }
      return Response.json(true)
    }
    return new Response('not found', { status: 404 })
  }

  /** Deletes expired entries, and wakes again for the next to expire. */
  async alarm(): Promise<void> {
    const at = Date.now()
    let next = Number.POSITIVE_INFINITY
    const expired: string[] = []
    for (const [key, entry] of await this.#storage.list<Stored>()) {
      if (entry.until <= at) expired.push(key)
      else next = Math.min(next, entry.until)
    }
    for (let i = 0; i < expired.length; i += 128) await this.#storage.delete(expired.slice(i, i + 128))
    if (next !== Number.POSITIVE_INFINITY) await this.#storage.setAlarm(next)
  }
}

function live(entry: Stored | undefined, at: number): number | undefined {
  return entry !== undefined && at < entry.until ? entry.value : undefined
}

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

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}
