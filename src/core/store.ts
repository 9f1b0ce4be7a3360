// The session store: the public, framework-neutral request path. It owns the validated options,
// the keys, the token codec, chunking and the token cache; a Session is state only. Any framework
// that gives access to the Cookie header and a way to add Set-Cookie headers can use it.

import { chunkCount, expireChunks, joinChunks } from './chunk-read.ts'
import {
  type CookieSpec,
  expireCookie,
  MAX_COOKIE_BYTES,
  readSessionCookies,
  type SessionCookies,
  serializeCookie,
} from './cookie.ts'
import { utf8Decode } from './encoding.ts'
import { CookieTooLargeError, configError } from './errors.ts'
import { type Keyring, keyringOf, type SessionKey } from './keys.ts'
import { fingerprint, resolveOptions, type SessionConfig, type SessionOptions } from './options.ts'
import { applySetCookies, assertResponse, type Commit, NOTHING } from './response.ts'
import type { Json, JsonValue } from './serializer.ts'
import {
  assignId,
  closeSession,
  type FlashData,
  type Loaded,
  Session,
  type SessionContext,
  type SessionData,
  type Snapshot,
  slotOf,
  snapshotOf,
  versionOf,
} from './session.ts'
import { fail, type InvalidReason, type Result, type Sealable, type TokenCodec, tokenCodec } from './token.ts'

/**
 * How many cookies with our name are tried (stale copies under other paths/domains can coexist).
 * @internal
 */
export const MAX_CANDIDATES = 4

/**
 * Where a store reads the session cookie from: a `Request`, its `Headers`, a raw `Cookie` header
 * value, or several `Cookie` header lines (joined with `; `, RFC 9113 section 8.2.3). `null` or
 * `undefined`: no cookie.
 */
export type CookieSource = Request | Headers | string | readonly string[] | null | undefined

/** A handler that receives the session after the request, then whatever the runtime passes. */
export type SessionHandler<
  Data extends SessionData,
  Rest extends unknown[],
  Flash extends FlashData = Record<string, unknown>,
> = (request: Request, session: Session<Data, Flash>, ...rest: Rest) => Response | Promise<Response>

/**
 * Loads sessions from requests and commits them to `Set-Cookie` values. Made by
 * {@link createSessionStore}; one per cookie name (several sessions: several stores).
 */
export interface SessionStore<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
> {
  /** The cookie name this store reads and writes. */
  readonly cookieName: string
  /**
   * Reads the session `source` carries. Never throws for anything the client sent: a missing,
   * tampered, expired or foreign cookie gives a new, empty session (and a reason to `onInvalid`).
   * @throws {ConfigurationError} `ERR_COOKIE_OPTION` when another store already loaded a session
   *   from this request whose cookie name collides with this one's (the same name, or `name.1`...).
   */
  load(source: CookieSource): Promise<Session<Data, Flash>>
  /**
   * The `Set-Cookie` header values the session needs now: none when nothing changed. The session
   * stays usable; call again after further changes.
   * @throws {CookieTooLargeError} when the session outgrows its cookie (or cookies).
   * @throws {SerializationError} when the data cannot be stored faithfully.
   */
  commit(session: Session<Data, Flash>): Promise<string[]>
  /**
   * Commits the session onto `response` (appending `Set-Cookie`, making it `private` when it
   * carries a cookie) and closes the session: later changes throw `SessionCommittedError`. A
   * response with immutable headers (a `fetch()` result) is re-wrapped: use the one returned.
   */
  apply(session: Session<Data, Flash>, response: Response): Promise<Response>
  /**
   * Wraps a whole handler `(request, session, ...rest) => Response`, keeping the runtime's own
   * arguments (`env`, `ctx` on Workers). When the handler throws, nothing is written.
   */
  handle<Rest extends unknown[]>(
    handler: SessionHandler<Data, Rest, Flash>,
  ): (request: Request, ...rest: Rest) => Promise<Response>
}

/**
 * With the default serializer, session data must be JSON: for any other `Data` this asks for a
 * property no options object has, so the call does not compile, and the message says why.
 */
type JsonOnly<Data> = [Data] extends [Json<Data>]
  ? unknown
  : {
      'session data must be JSON with the default serializer (no Date, Map, functions...); pass a serializer of your own for other types': never
    }

/** What a store keeps on each session it loaded (the session's slot), to commit it. */
interface Origin {
  /** The store's shared context: a session is committed only by the store that made it. */
  readonly context: SessionContext
  /** The last `save()`, if any. */
  saved?: Saved | undefined
  /** The key id it was sealed with, when it was loaded; undefined for a new session. */
  readonly keyId: string | undefined
  readonly touched: number
  /** The request's chunk cookies that a write may expire. */
  readonly chunks: SessionCookies['chunks']
  readonly hadCookie: boolean
  /** For a session read by a `legacy` reader: `Set-Cookie` values expiring the old cookie(s). */
  readonly legacy?: readonly string[]
  /** Refused unverified by the revocation store: nothing but a destroy() is written. */
  readonly frozen?: boolean
}

/** The last `save()` of a session: reused while the session is unchanged, or failed. */
type Saved =
  | { readonly version: number; readonly text: string; readonly commit: Commit }
  | { readonly version: number; readonly failed: true }

/**
 * Creates a session store: load a `Session` from a request, change it, commit it to
 * `Set-Cookie` values. Any framework with access to the `Cookie` header and a way to add
 * `Set-Cookie` headers can use it with a few lines of glue. Options are validated now.
 *
 * With the default serializer, `Data` must be JSON (`Date`, `Map`, functions... do not compile);
 * with a `serializer` of your own, any object type.
 *
 * @example React Router loader and action
 * ```ts
 * import { createSessionStore } from 'sealed-session'
 *
 * const store = createSessionStore<{ user?: string }>({ secret: process.env.SESSION_SECRET! })
 *
 * export async function loader({ request }: LoaderFunctionArgs) {
 *   const session = await store.load(request)
 *   return { user: session.get('user') }
 * }
 *
 * export async function action({ request }: ActionFunctionArgs) {
 *   const session = await store.load(request)
 *   session.regenerate()
 *   session.set('user', 'ada')
 *   const headers = new Headers()
 *   for (const value of await store.commit(session)) headers.append('Set-Cookie', value)
 *   return redirect('/', { headers })
 * }
 * ```
 *
 * For Next.js, SvelteKit, Astro, h3, Elysia, React Router and Hono, use the adapter subpaths
 * (`sealed-session/next`, ...), each a thin layer over this store.
 *
 * @throws {ConfigurationError} on invalid options (`ERR_SECRET_INVALID`, `ERR_COOKIE_OPTION`,
 *   `ERR_OPTION_INVALID` naming an unknown option and the closest valid one, `ERR_NO_WEBCRYPTO`).
 */
export function createSessionStore<
  Data extends SessionData,
  Flash extends FlashData = Record<string, unknown>,
>(
  options: SessionOptions & { serializer: NonNullable<SessionOptions['serializer']> },
): SessionStore<Data, Flash>
export function createSessionStore<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
>(options: SessionOptions & JsonOnly<Data>): SessionStore<Data, Flash>
export function createSessionStore(options: SessionOptions): SessionStore<SessionData> {
  return storeOf(resolveOptions(options))
}

function storeOf(config: SessionConfig): SessionStore<SessionData> {
  const { cookie, mode, compress, tokenCache: cache } = config
  const { name } = cookie
  const keyring = keyringOf(config.secrets, mode)
  const codec = tokenCodec(name, mode, compress)
  const context: SessionContext = {
    serializer: config.serializer,
    maxAgeMs: config.maxAgeMs,
    idleMs: config.idleMs,
    sessionCookie: cookie.sessionCookie,
    now: () => Math.floor(config.now()),
    save: (s) => remembered(s as unknown as Session<SessionData>),
  }
  /** The store's record on `session`; undefined for a session another store made. */
  const originOf = (session: Session<SessionData>): Origin | undefined => {
    const origin = slotOf(session) as Origin
    return origin.context === context ? origin : undefined
  }

  function newSession(loaded: Loaded | undefined, origin: Origin): Session<SessionData> {
    return new Session<SessionData>(context, loaded, origin)
  }

  /** `save()`: commits now and remembers the outcome for the final commit. */
  async function remembered(session: Session<SessionData>): Promise<void> {
    const origin = originOf(session)
    if (origin === undefined) throw foreign()
    origin.saved = undefined
    const version = versionOf(session)
    try {
      const snapshot = snapshotOf(session)
      origin.saved = { version, text: snapshot.text, commit: await write(session, origin, snapshot) }
    } catch (error) {
      origin.saved = { version, failed: true }
      throw error
    }
  }

  /** What the session needs written now, reusing a `save()` while nothing changed since. */
  function commitOf(session: Session<SessionData>): Promise<Commit> | Commit {
    const origin = originOf(session)
    if (origin === undefined) throw foreign()
    const { saved } = origin
    const current = saved?.version === versionOf(session) ? saved : undefined
    // The app handled a failed save(): nothing is written unless it changed the session again.
    if (current !== undefined && 'failed' in current) return NOTHING
    const snapshot = snapshotOf(session)
    if (current !== undefined && current.text === snapshot.text) return current.commit
    return write(session, origin, snapshot)
  }

  async function write(session: Session<SessionData>, origin: Origin, snapshot: Snapshot): Promise<Commit> {
    if (snapshot.destroyed) {
      // The old library's cookies go too, or the next request would open them again.
      const chunks = [...expireChunks(cookie, origin.chunks), ...(origin.legacy ?? [])]
      return { cookies: origin.hadCookie ? [expireCookie(cookie), ...chunks] : chunks, explicit: true }
    }
    const { changed, created, lifetime, text } = snapshot
    if ((origin.keyId === undefined && !changed) || origin.frozen) return NOTHING
    const now = writeTime(config)
    const ring = keyring()
    const keys = ring instanceof Promise ? await ring : ring
    const { maxAgeMs, idleMs } = limits(config, lifetime)
    if (
      !changed &&
      origin.keyId === keys.current.id &&
      origin.touched + idleMs - now >= idleMs * config.renewThreshold
    ) {
      return NOTHING
    }
    // A loaded session is re-sealed only once the revocation store vouched for it in this
    // request, so writing often cannot keep a revoked session alive between checks.
    const { revocation } = config
    if (origin.keyId && revocation && (await revocation.sealing(session))) return NOTHING
    // Readers require created <= touched. `created` may come from a server whose clock runs up to
    // clockSkew ahead of this one, or from this clock before it stepped back: never seal a
    // `touched` before it, or every server would refuse the cookie.
    const touched = Math.max(now, created)
    const payload: Sealable = { created, touched, sid: snapshot.sid, lifetime, body: text }
    const token = await codec.seal(payload, keys)
    // A session without an id yet got one from the seal's random draw.
    const sid = payload.sid!
    assignId(session, sid)
    const expiresAt = Math.min(created + maxAgeMs, touched + idleMs)
    const persistent = lifetime === undefined ? !cookie.sessionCookie : lifetime.persistent
    const maxAge = persistent ? (expiresAt - now) / 1000 : undefined
    const cookies = (config.chunks?.write ?? writeOne)(cookie, token, maxAge, origin.chunks)
    if (origin.legacy) cookies.push(...origin.legacy)
    // The browser sends this token back next: remembered, it opens without a decrypt.
    cache?.set(keys, name, token, { created, touched, sid, lifetime, key: keys.current, text })
    return { cookies, explicit: changed }
  }

  const store: SessionStore<SessionData> = {
    cookieName: name,

    async load(source) {
      const ring = keyring()
      const keys = ring instanceof Promise ? await ring : ring
      if (stores > 1) claim(source, store)
      else last = { source, store }
      const header = cookieHeader(source)
      const read = readSessionCookies(header, name, MAX_CANDIDATES)
      const { values } = read
      // The chunk cookies a write may expire: with chunking off, only those our own cookie names.
      const chunks = config.maxChunks > 1 || values.some((v) => chunkCount(v) > 0) ? read.chunks : undefined
      let firstReason: InvalidReason | undefined
      let kept: Session<SessionData> | undefined
      let frozen = false
      for (const value of values) {
        // Lengths and chunk names are checked here, before any decoding or crypto.
        const joined = joinChunks(name, value, chunks, config.maxChunks)
        const result = joined.ok ? await openValue(config, codec, joined.token, keys) : joined
        if (result.ok) {
          const { loaded, keyId } = result
          const session = newSession(loaded, {
            context,
            keyId,
            touched: loaded.touched,
            chunks,
            hadCookie: true,
          })
          // Revocation (opt-in) may refuse it, or keep it unchecked (never re-sealed) when its
          // store is down. Without one, no await: each costs a turn of the microtask queue.
          const verdict = config.revocation && (await config.revocation.admit(session, config))
          if (!verdict) return session
          firstReason = verdict === 'revoked' ? verdict : 'unverified'
          if (verdict === 'unchecked') kept = session
          frozen = verdict === 'refused'
          break
        }
        firstReason ??= result.reason
      }
      // No valid session of ours: the first `legacy` reader that opens its own cookie gives the
      // session, not new and unchanged to the app. Its key id matches no key, so the commit
      // re-seals it as it would one sealed with a retired key: an implicit write.
      // Not when a session of ours was there and revocation refused it: an old cookie beside it
      // must not bring a revoked user back.
      const legacy = firstReason === 'revoked' || firstReason === 'unverified' ? [] : config.legacy
      for (const reader of legacy) {
        const found = await reader.read(header, config)
        if (found?.ok) {
          const { loaded, expire: legacy } = found
          return newSession(loaded, {
            context,
            keyId: '',
            touched: loaded.touched,
            chunks,
            hadCookie: values.length > 0,
            legacy,
          })
        }
        // A legacy cookie under our name is "malformed" to us: its reader says more.
        if (found && (firstReason ?? 'malformed') === 'malformed') firstReason = found.reason
      }
      if (firstReason !== undefined && config.onInvalid) {
        report(config.onInvalid, firstReason, source instanceof Request ? source : undefined)
      }
      return (
        kept ??
        newSession(undefined, {
          context,
          keyId: undefined,
          touched: 0,
          chunks,
          hadCookie: values.length > 0,
          frozen,
        })
      )
    },

    async commit(session) {
      return (await commitOf(session)).cookies
    },

    async apply(session, response) {
      // Closed as soon as the snapshot is taken, not once sealed: a body still rendering (Astro,
      // a stream) may change the session meanwhile, and that change must throw, not vanish.
      let pending: Promise<Commit> | Commit
      try {
        pending = commitOf(session)
      } finally {
        closeSession(session)
      }
      return applySetCookies(response, await pending)
    },

    handle(handler) {
      return async function sealedSession(request, ...rest) {
        return respond(store, handler, request, rest)
      }
    },
  }
  if (++stores === 2 && last !== undefined) claim(last.source, last.store)
  last = undefined
  return store
}

/**
 * @internal
 * Unseals one cookie value and checks it: lifetimes, UTF-8, data shape. A store's read step
 * (exported for the benchmark's token-level round trip).
 */
export async function openValue(
  config: SessionConfig,
  codec: TokenCodec,
  value: string,
  keys: Keyring,
): Promise<Result<{ loaded: Loaded; keyId: string }>> {
  const cache = config.tokenCache
  const { name } = config.cookie
  // A hit stands for the decrypt/verify only: everything below still runs on every request.
  const hit = cache?.get(keys, name, value)
  let verified: { created: number; touched: number; sid: Uint8Array; lifetime: Loaded['lifetime'] }
  let key: SessionKey
  let text: string | undefined
  if (hit !== undefined) {
    verified = hit
    key = hit.key
    text = hit.text
  } else {
    const result = await codec.unseal(value, keys)
    if (!result.ok) return result
    const { payload } = result
    verified = payload as typeof verified
    key = result.key
    text = utf8Decode(payload.body)
    if (text === undefined) return fail('payload')
  }
  const { created, touched, lifetime } = verified
  const now = config.now()
  const { maxAgeMs, idleMs } = limits(config, lifetime)
  // Each check passes only on a true comparison, so a clock returning NaN fails closed.
  if (!(created <= touched && touched <= now + config.skewMs && maxAgeMs > 0 && idleMs > 0))
    return fail('payload')
  if (!(now < created + maxAgeMs)) return fail('expired')
  if (!(now < touched + idleMs)) return fail('idle')
  let parsed: unknown
  try {
    parsed = config.serializer.parse(text)
  } catch {
    return fail('payload')
  }
  let data: unknown = parsed
  let flash: unknown
  if (Array.isArray(parsed)) {
    if (parsed.length !== 2) return fail('payload')
    ;[data, flash] = parsed
    if (!isRecord(flash)) return fail('payload')
  }
  if (!isRecord(data)) return fail('payload')
  if (cache && hit === undefined) {
    cache.set(keys, name, value, { created, touched, sid: verified.sid, lifetime, key, text })
  }
  return {
    ok: true,
    keyId: key.id,
    loaded: {
      created,
      touched,
      sid: verified.sid,
      lifetime,
      data,
      flash: flash as Record<string, unknown> | undefined,
      text,
    },
  }
}

/** The lifetimes in force for a session, in ms: its own, within the configured ones. */
function limits(config: SessionConfig, lifetime: Loaded['lifetime']): { maxAgeMs: number; idleMs: number } {
  if (lifetime === undefined) return config
  return {
    maxAgeMs: Math.min(lifetime.maxAge * 1000, config.maxAgeMs),
    idleMs: Math.min(lifetime.idleTimeout * 1000, config.idleMs),
  }
}

/**
 * @internal
 * Runs `handler` with the session `request` carries and applies it to the response. What a
 * throwing handler changed is not written.
 */
export async function respond<Rest extends unknown[]>(
  store: SessionStore<SessionData>,
  handler: SessionHandler<SessionData, Rest>,
  request: Request,
  rest: Rest,
): Promise<Response> {
  const session = await store.load(request)
  let response: unknown
  try {
    response = await handler(request, session, ...rest)
    assertResponse(response)
  } catch (error) {
    closeSession(session)
    throw error
  }
  return store.apply(session, response)
}

/** @internal Closes a session without writing it (its handler failed): later changes throw. */
export function discard(session: Session<SessionData>): void {
  closeSession(session)
}

/** Options as given to `withSession` and the adapters: an object, or a function returning one. */
export type OptionsInput<Args extends unknown[]> = SessionOptions | ((...args: Args) => SessionOptions)

// Enough for an options function with one configuration per tenant; beyond, least recent first.
const MAX_STORES = 1024

/**
 * @internal
 * A store for static options now, or, for an options function, one per distinct configuration
 * it returns (a new object per request, as `(req, env) => ({ secret: env.SESSION_SECRET })`
 * does, is validated once, not on every request).
 */
export function storeResolver<Args extends unknown[]>(
  options: OptionsInput<Args>,
): (...args: Args) => SessionStore<SessionData> {
  if (typeof options !== 'function') {
    const store = storeOf(resolveOptions(options))
    return () => store
  }
  const stores = new Map<string, SessionStore<SessionData>>()
  return (...args) => {
    const raw = options(...args)
    const print = fingerprint(raw)
    let store = stores.get(print)
    if (store === undefined) {
      store = storeOf(resolveOptions(raw))
      if (stores.size >= MAX_STORES) stores.delete(stores.keys().next().value as string)
      stores.set(print, store)
    }
    return store
  }
}

/**
 * `Set-Cookie` values writing `token` in one cookie and expiring any chunk cookies the request
 * carried (a session written in chunks is rewritten whole once chunking is off).
 * @throws {CookieTooLargeError} when it does not fit; nothing is written then.
 */
function writeOne(
  spec: CookieSpec,
  token: string,
  maxAge: number | undefined,
  present: SessionCookies['chunks'],
): string[] {
  const { name } = spec
  const size = name.length + 1 + token.length
  if (size > MAX_COOKIE_BYTES) {
    // How many cookies chunking would need: each holds a piece after `name.N=` (or `name=N~`).
    const pieces = Math.ceil(token.length / (MAX_COOKIE_BYTES - name.length - 3))
    throw new CookieTooLargeError(size, MAX_COOKIE_BYTES, pieces)
  }
  return [serializeCookie(spec, token, maxAge), ...expireChunks(spec, present)]
}

/** The clock as whole milliseconds for sealing; a clock that is not a time is the app's bug. */
function writeTime(config: SessionConfig): number {
  const now = Math.floor(config.now())
  if (!(now >= 0 && now < 2 ** 48)) {
    throw configError('ERR_OPTION_INVALID', `now() must return ms since the epoch; got ${now}`)
  }
  return now
}

function cookieHeader(source: CookieSource): string | null {
  if (source === null || source === undefined) return null
  if (typeof source === 'string') return source
  if (source instanceof Request) return source.headers.get('cookie')
  if (source instanceof Headers) return source.get('cookie')
  return Array.isArray(source) ? source.join('; ') : null
}

// The stores that loaded a session from each request (or Headers), to refuse two sessions whose
// cookie names collide: they would overwrite each other's cookies.
const claims = new WeakMap<object, SessionStore<SessionData>[]>()

// Marking a request costs a WeakMap entry keyed by a host object, about a microsecond on workerd,
// and names can only collide once a second store exists: until then the one store keeps only the
// last source it loaded, and the second store, made perhaps within that same request (an options
// function's), marks it on the first store's behalf.
let stores = 0
let last: { source: CookieSource; store: SessionStore<SessionData> } | undefined

function claim(source: CookieSource, store: SessionStore<SessionData>): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return
  const list = claims.get(source as object)
  if (list === undefined) {
    claims.set(source as object, [store])
    return
  }
  if (list.includes(store)) return
  const mine = store.cookieName
  for (const other of list) {
    const theirs = other.cookieName
    if (mine === theirs || isChunkOf(mine, theirs) || isChunkOf(theirs, mine)) {
      throw configError(
        'ERR_COOKIE_OPTION',
        `cookie names ${theirs} and ${mine} collide on one request (the same, or name and name.1 to .9)`,
      )
    }
  }
  list.push(store)
}

function foreign(): Error {
  return configError('ERR_OPTION_INVALID', 'commit a session with the store that loaded it')
}

function isChunkOf(a: string, b: string): boolean {
  return (
    a.length === b.length + 2 &&
    a.startsWith(b) &&
    a[b.length] === '.' &&
    a[b.length + 1]! >= '1' &&
    a[b.length + 1]! <= '9'
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Calls the `onInvalid` hook without waiting for it. Neither a throw nor a rejected promise may
 * turn a bad cookie into a failed request, or reach the process as an unhandled rejection.
 */
function report(
  hook: NonNullable<SessionConfig['onInvalid']>,
  reason: InvalidReason,
  request: Request | undefined,
): void {
  try {
    const result = hook(reason, request)
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      ;(result as PromiseLike<unknown>).then(undefined, ignore)
    }
  } catch {
    // Ignored: see above.
  }
}

function ignore(): void {}

export type { Session }
