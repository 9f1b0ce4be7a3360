// Session state: data, flash messages, id, lifetimes, extension state and change tracking. No I/O
// and no crypto: the store (store.ts) loads a Session from a request and commits it. The store and
// the gates reach a session's state through one handle, `handleOf(session)`.

import { base64urlEncode } from './encoding.ts'
import { configError, SerializationError, SessionCommittedError } from './errors.ts'
import { describe, isPlainObject, type JsonValue, type Serializer } from './serializer.ts'
import { type Lifetime, SESSION_ID_BYTES } from './token.ts'

/**
 * The shape of session data: an object (an `interface` is fine). With the default serializer the
 * store's type parameter also requires every value to be JSON ({@link Json}).
 */
export type SessionData = object

/** String keys of the data: what `get`, `set`, `has` and `delete` take. */
type Key<T> = keyof T & string

/** The flash messages a session can carry: an object type naming each message (an `interface` is fine). */
export type FlashData = object

/** A session's lifetime, as {@link Session.setLifetime} takes it. Seconds. */
export interface LifetimeOptions {
  /**
   * `false`: a browser-session cookie (no `Max-Age`), forgotten when the browser closes; the
   * sealed expiry still applies on the server.
   * @default true
   */
  persistent?: boolean
  /**
   * Absolute lifetime in seconds from now, at most the configured `maxAge`.
   * @default the configured `maxAge`
   */
  maxAge?: number
  /**
   * Idle timeout in seconds, at most the configured `idleTimeout`.
   * @default the configured `idleTimeout`
   */
  idleTimeout?: number
}

/** @internal What a store's sessions share: made once per store, not per session. */
export interface SessionContext {
  readonly serializer: Serializer
  /** Configured lifetimes (ms) and whether cookies are browser-session cookies by default. */
  readonly maxAgeMs: number
  readonly idleMs: number
  readonly sessionCookie: boolean
  /** Seals the session now, for `save()`. */
  save(session: Session<SessionData>): Promise<void>
}

/** @internal A session as the read step opened it (from our token or an old library's cookie). */
export interface Loaded {
  readonly created: number
  readonly touched: number
  readonly sid: Uint8Array
  readonly lifetime: Lifetime | undefined
  readonly data: object
  readonly flash: Record<string, unknown> | undefined
  /** Extension state sealed with the session, by gate name. */
  readonly state: Record<string, unknown> | undefined
  /** The serialized body it was read from, to tell whether anything changed. */
  readonly text: string
  /** Opened from an old library's cookie: its issue time is unknown. */
  readonly legacy?: boolean
}

/**
 * @internal
 * A session's whole state. The Session methods change it; the store reads it to commit, and
 * keeps its own bookkeeping (`slot`) on it.
 */
export interface SessionHandle {
  readonly context: SessionContext
  readonly loaded: Loaded | undefined
  /** The request's clock, whole ms: one clock per request, for every step. */
  readonly now: () => number
  data: Record<string, unknown>
  flash: Record<string, unknown> | undefined
  state: Record<string, unknown>
  /** Undefined until needed: drawn by {@link idOf}. */
  sid: Uint8Array | undefined
  created: number
  touched: number
  lifetime: Lifetime | undefined
  /** `destroy()` was the last word: the response expires the cookie. */
  destroyed: boolean
  /** `destroy()` was called in this request: what follows descends from nothing the request carried. */
  cut: boolean
  /** A new id or lifetime: written even when the data did not change. */
  renewed: boolean
  /** The response is committed (or abandoned): later changes throw. */
  closed: boolean
  /**
   * An object was handed out (by `get` or `data`) and may be changed in place, so the data must
   * be serialized to tell. Only an optimisation: nothing observable depends on it.
   */
  exposed: boolean
  /** Bumped by every change: a commit is reused while it stays the same. */
  version: number
  /** The store's record on the session. */
  slot: unknown
}

/** @internal The session's state, for the store and the gates. */
export let handleOf: (session: Session<SessionData>) => SessionHandle

const EMPTY_TEXT = '{}'

/** @internal The lifetimes in force, in ms: the session's own within the configured ones. */
export function limitsOf(
  context: Pick<SessionContext, 'maxAgeMs' | 'idleMs'>,
  lifetime: Lifetime | undefined,
): { maxAgeMs: number; idleMs: number } {
  if (lifetime === undefined) return context
  return {
    maxAgeMs: Math.min(lifetime.maxAge * 1000, context.maxAgeMs),
    idleMs: Math.min(lifetime.idleTimeout * 1000, context.idleMs),
  }
}

/** @internal The session's id, drawn now if it has none yet. */
export function idOf(h: SessionHandle): Uint8Array {
  h.sid ??= crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES))
  return h.sid
}

/** @internal The serialized body: data, flash messages and extension state. May throw. */
export function textOf(h: SessionHandle): string {
  if (!h.exposed) return h.loaded?.text ?? EMPTY_TEXT
  const { data, flash, state } = h
  const body = hasKeys(state) ? [data, flash ?? {}, state] : flash === undefined ? data : [data, flash]
  const text = h.context.serializer.stringify(body)
  if (typeof text !== 'string') throw new SerializationError('serializer.stringify must return a string')
  return text
}

/** @internal Whether `text` (the body now) differs from what the request carried. */
export function changedOf(h: SessionHandle, text: string): boolean {
  if (h.renewed) return true
  // A new session is worth a cookie only once it holds something.
  return h.loaded === undefined ? isPopulated(h) : text !== h.loaded.text
}

/** @internal Marks a change: reads never call this. Writing after destroy() starts a fresh session. */
export function touch(h: SessionHandle): void {
  h.version++
  h.exposed = true
  if (h.destroyed) {
    h.destroyed = false
    regenerate(h)
  }
}

function regenerate(h: SessionHandle): void {
  h.sid = undefined
  h.created = h.now()
  h.touched = h.created
  h.renewed = true
}

function isPopulated(h: SessionHandle): boolean {
  return hasKeys(h.data) || h.flash !== undefined
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}

/**
 * A request's session. Read and change it in your handler; the store writes the cookie after the
 * handler returns, and only when something changed.
 *
 * `Data` types the data (`get`, `set`); `Flash` types the flash messages (`flash`).
 *
 * @example
 * ```ts
 * const count = (session.get('count') ?? 0) + 1
 * session.set('count', count)
 * ```
 */
export class Session<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
> {
  readonly #h: SessionHandle

  /** @internal Sessions come from a store's `load()`. */
  constructor(handle: SessionHandle) {
    this.#h = handle
  }

  static {
    handleOf = (session) => session.#h
  }

  /** Random session id (16 base64url characters); changes on {@link regenerate}. */
  get id(): string {
    return base64urlEncode(idOf(this.#h))
  }

  /** True when the request carried no valid session. */
  get isNew(): boolean {
    return this.#h.loaded === undefined
  }

  /** True when the session holds any data or flash messages. */
  get isPopulated(): boolean {
    return isPopulated(this.#h)
  }

  /**
   * True when data, flash messages, id or lifetime differ from what the request carried. Data
   * the serializer refuses (a `Date` with the default one) counts as changed: the commit will
   * say why it cannot be written.
   */
  get isChanged(): boolean {
    const h = this.#h
    if (h.destroyed) return true
    try {
      return changedOf(h, textOf(h))
    } catch {
      return true
    }
  }

  /** When this session (or its last regeneration) began, in ms since the epoch. */
  get createdAt(): number {
    return this.#h.created
  }

  /** When this session ends unless written again: the earlier of absolute and idle expiry, in ms. */
  get expiresAt(): number {
    const h = this.#h
    const { maxAgeMs, idleMs } = limitsOf(h.context, h.lifetime)
    return Math.min(h.created + maxAgeMs, h.touched + idleMs)
  }

  /** This session's lifetime: its own ({@link setLifetime}) or the configured one. Seconds. */
  get lifetime(): Required<LifetimeOptions> {
    const { lifetime, context } = this.#h
    if (lifetime !== undefined) return { ...lifetime }
    return {
      persistent: !context.sessionCookie,
      maxAge: context.maxAgeMs / 1000,
      idleTimeout: context.idleMs / 1000,
    }
  }

  /**
   * The value stored under `key`, or `undefined`. An object value is the stored one, not a copy:
   * changing it in place changes the session (and is written like any other change).
   */
  get<K extends Key<Data>>(key: K): Data[K] | undefined {
    const h = this.#h
    if (!Object.hasOwn(h.data, key)) return undefined
    const value = h.data[key]
    if (typeof value === 'object' && value !== null) h.exposed = true
    return value as Data[K]
  }

  /**
   * Stores `value` under `key`.
   * @throws {SessionCommittedError} after the response was committed (`ERR_SESSION_COMMITTED`).
   */
  set<K extends Key<Data>>(key: K, value: Data[K]): void {
    const data = this.#change('set()').data
    // Assigning '__proto__' would replace the data object's prototype (and make it unwritable);
    // store it as the ordinary key JSON.parse reads it back as.
    if (key === '__proto__')
      Object.defineProperty(data, key, { value, enumerable: true, configurable: true, writable: true })
    else data[key] = value
  }

  /** True when the data holds `key` (even with the value `undefined`). */
  has(key: Key<Data>): boolean {
    return Object.hasOwn(this.#h.data, key)
  }

  /**
   * Removes `key` from the data.
   * @throws {SessionCommittedError} after the response was committed (`ERR_SESSION_COMMITTED`).
   */
  delete(key: Key<Data>): void {
    if (Object.hasOwn(this.#h.data, key)) delete this.#change('delete()').data[key]
    else this.#assertOpen('delete()')
  }

  /** Removes all data (the session itself, its id and lifetime, stay). */
  clear(): void {
    this.#change('clear()').data = {}
  }

  /** A shallow copy of the data. Change it through {@link set} or {@link replace}. */
  get data(): Readonly<Partial<Data>> {
    this.#h.exposed = true
    return { ...this.#h.data } as Partial<Data>
  }

  /**
   * Replaces all data with a shallow copy of `data`, which must be a plain object.
   * @throws {SerializationError} for anything else (an array, a string, `null`, a `Map`...).
   */
  replace(data: Data): void {
    if (!isPlainObject(data)) {
      throw new SerializationError(`replace() takes a plain object; got ${describe(data)}`)
    }
    this.#change('replace()').data = { ...data }
  }

  /**
   * `flash(key, value)` stores a message for a later request; `flash(key)` returns it once and
   * removes it. Reading a message that is not there changes nothing.
   */
  flash<K extends Key<Flash>>(key: K): Flash[K] | undefined
  flash<K extends Key<Flash>>(key: K, value: Flash[K]): void
  flash(key: string, ...value: [unknown?]): unknown {
    const h = this.#h
    if (value.length > 0) {
      this.#change('flash()').flash = { ...h.flash, [key]: value[0] }
      return undefined
    }
    if (h.flash === undefined || !Object.hasOwn(h.flash, key)) {
      this.#assertOpen('flash()')
      return undefined
    }
    const { [key]: found, ...rest } = this.#change('flash()').flash!
    h.flash = hasKeys(rest) ? rest : undefined
    return found
  }

  /** Ends the session: clears the data and expires the cookie. Setting data afterwards starts a new one. */
  destroy(): void {
    this.#assertOpen('destroy()')
    const h = this.#h
    h.version++
    h.exposed = true
    h.data = {}
    h.flash = undefined
    h.state = {}
    h.lifetime = undefined
    h.destroyed = true
    h.cut = true
  }

  /**
   * Issues a new session id and restarts the absolute lifetime, keeping the data. Call it on
   * login and on any privilege change, so an id seen before login is worthless after it.
   */
  regenerate(): void {
    regenerate(this.#change('regenerate()'))
  }

  /**
   * Gives this session its own lifetime, typically at login ("remember me"): a persistent cookie
   * with absolute and idle lifetimes up to the configured ones, or a browser-session cookie. The
   * choice is sealed in the cookie and kept through every later write, renewal and key rotation;
   * the absolute lifetime counts from the session's creation (or last {@link regenerate}).
   *
   * @example
   * ```ts
   * session.regenerate()
   * if (form.get('remember') === 'on') session.setLifetime({ maxAge: 30 * 24 * 3600 })
   * else session.setLifetime({ persistent: false })
   * ```
   * @throws {ConfigurationError} `ERR_OPTION_INVALID` when a lifetime is not a number of seconds
   *   from 1 to the configured one.
   */
  setLifetime(options: LifetimeOptions): void {
    const { context } = this.#h
    const {
      persistent = true,
      maxAge = context.maxAgeMs / 1000,
      idleTimeout = context.idleMs / 1000,
    } = options
    const lifetime = {
      persistent: persistent !== false,
      maxAge: seconds(maxAge, context.maxAgeMs, 'maxAge'),
      idleTimeout: seconds(idleTimeout, context.idleMs, 'idleTimeout'),
    }
    const h = this.#change('setLifetime()')
    h.lifetime = lifetime
    h.renewed = true
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
    await this.#h.context.save(this as Session<SessionData>)
  }

  #assertOpen(action: string): void {
    if (this.#h.closed) throw new SessionCommittedError(action)
  }

  /** Every change goes through here; reads never do. */
  #change(action: string): SessionHandle {
    this.#assertOpen(action)
    touch(this.#h)
    return this.#h
  }
}

function seconds(value: unknown, limitMs: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 1 && value * 1000 <= limitMs)) {
    throw configError(
      'ERR_OPTION_INVALID',
      `setLifetime: ${name} must be 1 to ${limitMs / 1000} seconds; got ${String(value)}`,
    )
  }
  return Math.floor(value)
}
