// Session state, free of any framework: load from a request, mutate, commit to Set-Cookie values.

import { chunkCount, expireChunks, joinChunks, writeChunked } from './chunks.ts'
import { expireCookie, readSessionCookies, type SessionCookies } from './cookie.ts'
import { base64urlEncode, encoder, utf8Decode } from './encoding.ts'
import { configError, SerializationError, SessionCommittedError } from './errors.ts'
import { getKeyring, type Keyring, type SessionKey } from './keys.ts'
import type { SessionConfig } from './options.ts'
import { describe, isPlainObject } from './serializer.ts'
import { type InvalidReason, type Payload, SESSION_ID_BYTES, seal, unseal } from './token.ts'

/** The shape of session data: a plain object of JSON-compatible values (with the default serializer). */
export type SessionData = Record<string, unknown>

/** How many cookies with our name are tried (stale copies under other paths/domains can coexist). */
export const MAX_CANDIDATES = 4

type Flash = Record<string, unknown>

/** What a session needs from an opened token (its body is parsed into data). */
type Opened = Pick<Payload, 'created' | 'touched' | 'sid'>

interface Loaded {
  payload: Opened
  key: SessionKey
  data: SessionData
  flash: Flash | undefined
  text: string
}

/** What a session needs written: `explicit` when the app changed it, not for a renewal or re-key. */
export interface Commit {
  readonly cookies: string[]
  readonly explicit: boolean
}

const NOTHING: Commit = { cookies: [], explicit: false }

const COMMIT: unique symbol = Symbol('commit')
const CLOSE: unique symbol = Symbol('close')

/**
 * A request's session. Read and change it in your handler; the wrapper writes the cookie after
 * the handler returns, and only when something changed.
 *
 * @example
 * ```ts
 * const count = (session.get('count') ?? 0) + 1
 * session.set('count', count)
 * ```
 */
export class Session<T extends SessionData = SessionData> {
  readonly #config: SessionConfig
  readonly #ring: Keyring
  readonly #hadCookie: boolean
  /** The request's chunk cookies (`name.1`...), expired when no longer needed. */
  readonly #chunks: SessionCookies['chunks']
  readonly #loaded: Loaded | undefined
  #data: T
  #flash: Flash | undefined
  #sid: Uint8Array
  #created: number
  /** When the session was last written (or, new or regenerated, began). */
  #touched: number
  #destroyed = false
  /** Set once the response is committed: later changes could never reach the browser. */
  #closed = false
  #regenerated = false
  /** Set when data may differ from what was loaded: the text comparison at commit decides. */
  #maybeChanged = false
  /** Bumped by every call that may change what is written; `save()` results are reused while equal. */
  #version = 0
  #saved: { version: number; text: string; commit: Commit } | undefined
  /** The version whose write `save()` reported as failed; the app has handled that error. */
  #failedVersion = -1

  /** @internal Use {@link withSession} or the Hono middleware. */
  constructor(
    config: SessionConfig,
    ring: Keyring,
    hadCookie: boolean,
    loaded: Loaded | undefined,
    chunks?: SessionCookies['chunks'],
  ) {
    this.#config = config
    this.#ring = ring
    this.#hadCookie = hadCookie
    this.#chunks = chunks
    this.#loaded = loaded
    this.#data = (loaded?.data ?? {}) as T
    this.#flash = loaded?.flash
    this.#sid = loaded?.payload.sid ?? newSessionId()
    // Whole milliseconds; checked as a time only when written (writeTime), so reading never throws.
    this.#created = loaded?.payload.created ?? Math.floor(config.now())
    this.#touched = loaded?.payload.touched ?? this.#created
  }

  /** Random session id (16 base64url characters); changes on {@link regenerate}. */
  get id(): string {
    return base64urlEncode(this.#sid)
  }

  /** True when the request carried no valid session. */
  get isNew(): boolean {
    return this.#loaded === undefined
  }

  /** True when the session holds any data or flash messages. */
  get isPopulated(): boolean {
    return Object.keys(this.#data).length > 0 || this.#flash !== undefined
  }

  /** True when data or flash messages differ from what the request carried. */
  get isChanged(): boolean {
    return this.#destroyed || this.#changed(this.#text())
  }

  /** When this session (or its last regeneration) began, in ms since the epoch. */
  get createdAt(): number {
    return this.#created
  }

  /** When this session ends unless written again: the earlier of absolute and idle expiry, in ms. */
  get expiresAt(): number {
    return Math.min(this.#created + this.#config.maxAgeMs, this.#touched + this.#config.idleMs)
  }

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    if (!Object.hasOwn(this.#data, key)) return undefined
    const value = this.#data[key]
    // An object handed out can be mutated in place; compare at commit time.
    if (typeof value === 'object' && value !== null) this.#touch()
    return value
  }

  set<K extends keyof T & string>(key: K, value: T[K]): void {
    const data = this.#mutable()
    // Assigning '__proto__' would replace the data object's prototype (and make it unwritable);
    // store it as the ordinary key JSON.parse reads it back as.
    if (key === '__proto__')
      Object.defineProperty(data, key, { value, enumerable: true, configurable: true, writable: true })
    else data[key] = value
  }

  has(key: keyof T & string): boolean {
    return Object.hasOwn(this.#data, key)
  }

  delete(key: keyof T & string): void {
    this.#assertOpen('delete()')
    if (Object.hasOwn(this.#data, key)) delete this.#mutable()[key]
  }

  /** Removes all data (the session itself, its id and lifetime, stay). */
  clear(): void {
    this.#assertOpen('clear()')
    this.#data = {} as T
    this.#touch()
  }

  /** A shallow copy of the data. Change it through {@link set} or {@link replace}. */
  get data(): Readonly<Partial<T>> {
    this.#touch()
    return { ...this.#data }
  }

  /**
   * Replaces all data with a shallow copy of `data`, which must be a plain object.
   * @throws {SerializationError} for anything else (an array, a string, `null`, a `Map`...).
   */
  replace(data: T): void {
    this.#assertOpen('replace()')
    if (!isPlainObject(data)) {
      throw new SerializationError(`replace() takes a plain object of session data; got ${describe(data)}`)
    }
    this.#data = { ...data }
    this.#touch()
  }

  /**
   * `flash(key, value)` stores a message for a later request; `flash(key)` returns it once and
   * removes it.
   */
  flash<V = unknown>(key: string): V | undefined
  flash(key: string, value: unknown): void
  flash(key: string, ...value: [unknown?]): unknown {
    this.#assertOpen('flash()')
    this.#touch()
    if (value.length > 0) {
      this.#revive()
      this.#flash = { ...this.#flash, [key]: value[0] }
      return undefined
    }
    if (this.#flash === undefined || !Object.hasOwn(this.#flash, key)) return undefined
    const { [key]: found, ...rest } = this.#flash
    this.#flash = Object.keys(rest).length > 0 ? rest : undefined
    return found
  }

  /** Ends the session: clears the data and expires the cookie. Setting data afterwards starts a new one. */
  destroy(): void {
    this.#assertOpen('destroy()')
    this.#data = {} as T
    this.#flash = undefined
    this.#destroyed = true
    this.#touch()
  }

  /**
   * Issues a new session id and restarts the absolute lifetime, keeping the data. Call it on
   * login and on any privilege change, so an id seen before login is worthless after it.
   */
  regenerate(): void {
    this.#assertOpen('regenerate()')
    this.#destroyed = false
    this.#regenerated = true
    this.#touch()
    this.#sid = newSessionId()
    this.#created = writeTime(this.#config)
    this.#touched = this.#created
  }

  /**
   * Seals the session now rather than after the handler returns, so a write error (such as
   * {@link CookieTooLargeError}) is thrown where you can catch it and answer accordingly.
   * After a failed `save()` nothing is written for this request (the browser keeps its previous
   * cookie) unless the session is changed again. Changes made after a successful `save()` are
   * sealed again when the handler returns.
   *
   * @throws {CookieTooLargeError} when the session outgrows its cookie (or cookies).
   * @throws {SerializationError} when the data cannot be stored faithfully.
   * @throws {SessionCommittedError} after the response was committed (`ERR_SESSION_COMMITTED`).
   */
  async save(): Promise<void> {
    this.#assertOpen('save()')
    this.#saved = undefined
    const version = this.#version
    let commit: Commit
    try {
      commit = await this[COMMIT]()
    } catch (error) {
      this.#failedVersion = version
      throw error
    }
    this.#saved = { version, text: this.#text(), commit }
  }

  /** @internal The `Set-Cookie` values this session needs, possibly none. */
  async [COMMIT](): Promise<Commit> {
    if (this.#failedVersion === this.#version) return NOTHING
    const saved = this.#saved
    if (saved !== undefined && saved.version === this.#version && saved.text === this.#text())
      return saved.commit
    const config = this.#config
    const { cookie } = config
    if (this.#destroyed) {
      const chunks = expireChunks(cookie, this.#chunks)
      return { cookies: this.#hadCookie ? [expireCookie(cookie), ...chunks] : chunks, explicit: true }
    }
    const loaded = this.#loaded
    const text = this.#text()
    const changed = this.#changed(text)
    if (loaded === undefined && !changed) return NOTHING
    const now = writeTime(config)
    if (
      loaded !== undefined &&
      !changed &&
      loaded.key.id === this.#ring.current.id &&
      loaded.payload.touched + config.idleMs - now >= config.renewMs
    ) {
      return NOTHING
    }
    // Readers require created <= touched. `created` may come from a server whose clock runs up to
    // clockSkew ahead of this one, or from this clock before it stepped back: never seal a
    // `touched` before it, or every server would refuse the cookie.
    const touched = Math.max(now, this.#created)
    const token = await seal(
      { created: this.#created, touched, sid: this.#sid, body: encoder.encode(text) },
      this.#ring,
      config.mode,
      cookie.name,
      undefined,
      config.compress,
    )
    const expiresAt = Math.min(this.#created + config.maxAgeMs, touched + config.idleMs)
    const maxAge = cookie.sessionCookie ? undefined : (expiresAt - now) / 1000
    const cookies = writeChunked(cookie, token, config.maxChunks, maxAge, this.#chunks)
    // The browser sends this token back next: remembered, it opens without a decrypt.
    config.tokenCache?.set(this.#ring, cookie.name, token, {
      created: this.#created,
      touched,
      sid: this.#sid,
      key: this.#ring.current,
      text,
    })
    return { cookies, explicit: changed }
  }

  /** @internal The response is committed (or abandoned): from now on changes throw. */
  [CLOSE](): void {
    this.#closed = true
  }

  #assertOpen(action: string): void {
    if (this.#closed) throw new SessionCommittedError(action)
  }

  #mutable(): T {
    this.#assertOpen('set()')
    this.#revive()
    this.#touch()
    return this.#data
  }

  #touch(): void {
    this.#maybeChanged = true
    this.#version++
  }

  #changed(text: string): boolean {
    if (this.#regenerated) return true
    const loaded = this.#loaded
    // A new session is worth a cookie only once it holds something.
    return loaded === undefined ? this.isPopulated : text !== loaded.text
  }

  // Writing after destroy() starts a fresh session rather than resurrecting the old id.
  #revive(): void {
    if (this.#destroyed) {
      this.#destroyed = false
      this.regenerate()
    }
  }

  /** The serialized body; the loaded text as long as nothing could have changed it. */
  #text(): string {
    const loaded = this.#loaded
    if (!this.#maybeChanged) return loaded?.text ?? EMPTY_TEXT
    const data = this.#data
    const body = this.#flash === undefined ? data : [data, this.#flash]
    const text = this.#config.serializer.stringify(body)
    if (typeof text !== 'string') throw new SerializationError('serializer.stringify must return a string')
    return text
  }
}

const EMPTY_TEXT = '{}'

/**
 * The clock as whole milliseconds for sealing: `now()` may be fractional
 * (`performance.timeOrigin + performance.now()`), and a clock that is not a time is the app's bug.
 */
function writeTime(config: SessionConfig): number {
  const now = Math.floor(config.now())
  if (!(now >= 0 && now < 2 ** 48)) {
    throw configError('ERR_OPTION_INVALID', `now() must return milliseconds since the epoch; got ${now}`)
  }
  return now
}

function newSessionId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads the session a request carries; never throws for anything the client sent. */
export async function loadSession<T extends SessionData>(
  request: Request,
  config: SessionConfig,
): Promise<Session<T>> {
  const ring = await getKeyring(config.secrets, config.mode)
  const { name } = config.cookie
  const read = readSessionCookies(request.headers.get('cookie'), name, MAX_CANDIDATES)
  const { values } = read
  // The chunk cookies a write may expire: with chunking off, only those our own cookie names.
  const chunks = config.maxChunks > 1 || values.some((v) => chunkCount(v) > 0) ? read.chunks : undefined
  let firstReason: InvalidReason | undefined
  for (const value of values) {
    // Lengths and chunk names are checked here, before any decoding or crypto.
    const joined = joinChunks(name, value, chunks, config.maxChunks)
    const result = typeof joined === 'string' ? await open(joined, ring, config) : joined
    if ('reason' in result) firstReason ??= result.reason
    else return new Session<T>(config, ring, true, result, chunks)
  }
  if (firstReason !== undefined && config.onInvalid) report(config.onInvalid, firstReason, request)
  return new Session<T>(config, ring, values.length > 0, undefined, chunks)
}

/**
 * Calls the `onInvalid` hook without waiting for it. Neither a throw nor a rejected promise may
 * turn a bad cookie into a failed request, or reach the process as an unhandled rejection.
 */
function report(
  hook: NonNullable<SessionConfig['onInvalid']>,
  reason: InvalidReason,
  request: Request,
): void {
  try {
    const result = hook(reason, request)
    if (typeof (result as PromiseLike<void> | null)?.then === 'function') {
      ;(result as PromiseLike<void>).then(undefined, ignore)
    }
  } catch {
    // Ignored: see above.
  }
}

function ignore(): void {}

/** @internal Unseals one cookie value and checks it: lifetimes, UTF-8, data shape. Exported for the benchmark. */
export async function open(
  value: string,
  ring: Keyring,
  config: SessionConfig,
): Promise<Loaded | { reason: InvalidReason }> {
  const { name } = config.cookie
  const cache = config.tokenCache
  // A hit stands for the decrypt/verify only: everything below still runs on every request.
  const hit = cache?.get(ring, name, value)
  let payload: Opened
  let key: SessionKey
  if (hit !== undefined) {
    payload = hit
    key = hit.key
  } else {
    const result = await unseal(value, ring, config.mode, name)
    if (!result.ok) return result
    payload = result.payload
    key = result.key
  }
  const now = config.now()
  // Each check passes only on a true comparison, so a clock returning NaN fails closed.
  if (!(payload.created <= payload.touched && payload.touched <= now + config.skewMs))
    return { reason: 'payload' }
  if (!(now < payload.created + config.maxAgeMs)) return { reason: 'expired' }
  if (!(now < payload.touched + config.idleMs)) return { reason: 'idle' }
  const text = hit?.text ?? utf8Decode((payload as Payload).body)
  if (text === undefined) return { reason: 'payload' }
  let parsed: unknown
  try {
    parsed = config.serializer.parse(text)
  } catch {
    return { reason: 'payload' }
  }
  let loaded: Loaded
  if (isRecord(parsed)) loaded = { payload, key, data: parsed, flash: undefined, text }
  else if (Array.isArray(parsed) && parsed.length === 2 && isRecord(parsed[0]) && isRecord(parsed[1])) {
    loaded = { payload, key, data: parsed[0], flash: parsed[1], text }
  } else return { reason: 'payload' }
  if (cache && hit === undefined) {
    cache.set(ring, name, value, {
      created: payload.created,
      touched: payload.touched,
      sid: payload.sid,
      key,
      text,
    })
  }
  return loaded
}

/**
 * What a session needs written after the handler ran; may throw write errors. Either way the
 * session is closed: changes after this throw {@link SessionCommittedError}.
 */
export async function commitSession(session: Session<SessionData>): Promise<Commit> {
  try {
    return await session[COMMIT]()
  } finally {
    session[CLOSE]()
  }
}

/** Closes a session whose handler failed: nothing is written, and later changes throw. */
export function abandonSession(session: Session<SessionData>): void {
  session[CLOSE]()
}
