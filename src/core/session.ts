// Session state: data, flash messages, id, lifetimes and change tracking. No I/O: a store
// (store.ts) loads a Session from a request and commits it to Set-Cookie values.

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
  /** The clock, whole milliseconds. */
  readonly now: () => number
  /** Seals the session now, for `save()`. */
  readonly save: (session: Session<never, never>) => Promise<unknown>
}

/** @internal A session as opened from a token. */
export interface Loaded {
  readonly created: number
  readonly touched: number
  readonly sid: Uint8Array
  readonly lifetime: Lifetime | undefined
  readonly data: object
  readonly flash: Record<string, unknown> | undefined
  /** The serialized body it was read from, to tell whether anything changed. */
  readonly text: string
}

/** @internal What a store reads off a session to commit it. */
export interface Snapshot {
  readonly destroyed: boolean
  /** Data, flash, id or lifetime differ from what the request carried. */
  readonly changed: boolean
  readonly text: string
  /** Undefined until an id is needed: the seal draws it with the IV, in one random call. */
  readonly sid: Uint8Array | undefined
  readonly created: number
  readonly lifetime: Lifetime | undefined
}

// The store's access to a session's internals, bound in `Session`'s static block: they stay out
// of its public type (and its `.d.ts`), and no other code can reach them.
/** @internal For the store: what to write. May throw a `SerializationError`. */
export let snapshotOf: (session: Session<SessionData>) => Snapshot
/** @internal Bumped by every mutator: a store reuses a seal while it is unchanged. */
export let versionOf: (session: Session<SessionData>) => number
/** @internal The response is committed (or abandoned): from now on changes throw. */
export let closeSession: (session: Session<SessionData>) => void
/** @internal What the store that made the session keeps on it (where it came from, its saves). */
export let slotOf: (session: Session<SessionData>) => object
/** @internal The id a seal drew for a session that had none yet. */
export let assignId: (session: Session<SessionData>, sid: Uint8Array) => void

const EMPTY_TEXT = '{}'

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
  readonly #init: SessionContext
  readonly #loaded: Loaded | undefined
  readonly #slot: object
  #data: Record<string, unknown>
  #flash: Record<string, unknown> | undefined
  #sid: Uint8Array | undefined
  #created: number
  #touched: number
  #lifetime: Lifetime | undefined
  #destroyed = false
  /** A new id or lifetime: written even when the data did not change. */
  #renewed = false
  /** Set once the response is committed: later changes could never reach the browser. */
  #closed = false
  /**
   * An object was handed out (by `get` or `data`) and may be changed in place, so the data must
   * be serialized to tell. Only an optimisation: nothing observable depends on it.
   */
  #exposed = false
  #version = 0

  /** @internal Sessions come from a store's `load()`. */
  constructor(init: SessionContext, loaded: Loaded | undefined, slot: object) {
    this.#init = init
    this.#loaded = loaded
    this.#slot = slot
    this.#data = (loaded?.data ?? {}) as Record<string, unknown>
    this.#flash = loaded?.flash
    this.#sid = loaded?.sid
    this.#created = loaded?.created ?? init.now()
    this.#touched = loaded?.touched ?? this.#created
    this.#lifetime = loaded?.lifetime
  }

  /** Random session id (16 base64url characters); changes on {@link regenerate}. */
  get id(): string {
    this.#sid ??= crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES))
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

  /** True when data, flash messages, id or lifetime differ from what the request carried. */
  get isChanged(): boolean {
    return this.#destroyed || this.#changed(this.#text())
  }

  /** When this session (or its last regeneration) began, in ms since the epoch. */
  get createdAt(): number {
    return this.#created
  }

  /** When this session ends unless written again: the earlier of absolute and idle expiry, in ms. */
  get expiresAt(): number {
    const { maxAgeMs, idleMs } = this.#limits()
    return Math.min(this.#created + maxAgeMs, this.#touched + idleMs)
  }

  /** This session's lifetime: its own ({@link setLifetime}) or the configured one. Seconds. */
  get lifetime(): Required<LifetimeOptions> {
    const own = this.#lifetime
    if (own !== undefined) return { ...own }
    const init = this.#init
    return { persistent: !init.sessionCookie, maxAge: init.maxAgeMs / 1000, idleTimeout: init.idleMs / 1000 }
  }

  /**
   * The value stored under `key`, or `undefined`. An object value is the stored one, not a copy:
   * changing it in place changes the session (and is written like any other change).
   */
  get<K extends Key<Data>>(key: K): Data[K] | undefined {
    if (!Object.hasOwn(this.#data, key)) return undefined
    const value = this.#data[key]
    if (typeof value === 'object' && value !== null) this.#exposed = true
    return value as Data[K]
  }

  /**
   * Stores `value` under `key`.
   * @throws {SessionCommittedError} after the response was committed (`ERR_SESSION_COMMITTED`).
   */
  set<K extends Key<Data>>(key: K, value: Data[K]): void {
    const data = this.#mutable('set()')
    // Assigning '__proto__' would replace the data object's prototype (and make it unwritable);
    // store it as the ordinary key JSON.parse reads it back as.
    if (key === '__proto__')
      Object.defineProperty(data, key, { value, enumerable: true, configurable: true, writable: true })
    else data[key] = value
  }

  /** True when the data holds `key` (even with the value `undefined`). */
  has(key: Key<Data>): boolean {
    return Object.hasOwn(this.#data, key)
  }

  /**
   * Removes `key` from the data.
   * @throws {SessionCommittedError} after the response was committed (`ERR_SESSION_COMMITTED`).
   */
  delete(key: Key<Data>): void {
    const data = this.#mutable('delete()')
    if (Object.hasOwn(data, key)) delete data[key]
  }

  /** Removes all data (the session itself, its id and lifetime, stay). */
  clear(): void {
    this.#mutable('clear()')
    this.#data = {}
  }

  /** A shallow copy of the data. Change it through {@link set} or {@link replace}. */
  get data(): Readonly<Partial<Data>> {
    this.#exposed = true
    return { ...this.#data } as Partial<Data>
  }

  /**
   * Replaces all data with a shallow copy of `data`, which must be a plain object.
   * @throws {SerializationError} for anything else (an array, a string, `null`, a `Map`...).
   */
  replace(data: Data): void {
    if (!isPlainObject(data)) {
      throw new SerializationError(`replace() takes a plain object; got ${describe(data)}`)
    }
    this.#mutable('replace()')
    this.#data = { ...data }
  }

  /**
   * `flash(key, value)` stores a message for a later request; `flash(key)` returns it once and
   * removes it.
   */
  flash<K extends Key<Flash>>(key: K): Flash[K] | undefined
  flash<K extends Key<Flash>>(key: K, value: Flash[K]): void
  flash(key: string, ...value: [unknown?]): unknown {
    this.#mutable('flash()')
    if (value.length > 0) {
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
    this.#version++
    this.#data = {}
    this.#flash = undefined
    this.#lifetime = undefined
    this.#destroyed = true
  }

  /**
   * Issues a new session id and restarts the absolute lifetime, keeping the data. Call it on
   * login and on any privilege change, so an id seen before login is worthless after it.
   */
  regenerate(): void {
    this.#mutable('regenerate()')
    this.#regenerate()
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
    const init = this.#init
    const { persistent = true, maxAge = init.maxAgeMs / 1000, idleTimeout = init.idleMs / 1000 } = options
    const seconds = (value: unknown, limitMs: number, name: string): number => {
      if (typeof value !== 'number' || !(value >= 1 && value * 1000 <= limitMs)) {
        throw configError(
          'ERR_OPTION_INVALID',
          `setLifetime: ${name} must be 1 to ${limitMs / 1000} seconds; got ${String(value)}`,
        )
      }
      return Math.floor(value)
    }
    const lifetime = {
      persistent: persistent !== false,
      maxAge: seconds(maxAge, init.maxAgeMs, 'maxAge'),
      idleTimeout: seconds(idleTimeout, init.idleMs, 'idleTimeout'),
    }
    this.#mutable('setLifetime()')
    this.#lifetime = lifetime
    this.#renewed = true
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
    await this.#init.save(this as unknown as Session<never, never>)
  }

  static {
    snapshotOf = (session) => session.#snapshot()
    versionOf = (session) => session.#version
    closeSession = (session) => {
      session.#closed = true
    }
    slotOf = (session) => session.#slot
    assignId = (session, sid) => {
      session.#sid ??= sid
    }
  }

  #snapshot(): Snapshot {
    const text = this.#text()
    return {
      destroyed: this.#destroyed,
      changed: this.#changed(text),
      text,
      sid: this.#sid,
      created: this.#created,
      lifetime: this.#lifetime,
    }
  }

  /** @internal The lifetimes in force, in ms: the session's own, or the configured ones. */
  #limits(): { maxAgeMs: number; idleMs: number } {
    const own = this.#lifetime
    const init = this.#init
    return own === undefined
      ? init
      : {
          maxAgeMs: Math.min(own.maxAge * 1000, init.maxAgeMs),
          idleMs: Math.min(own.idleTimeout * 1000, init.idleMs),
        }
  }

  #assertOpen(action: string): void {
    if (this.#closed) throw new SessionCommittedError(action)
  }

  /** Every change goes through here. Writing after destroy() starts a fresh session. */
  #mutable(action: string): Record<string, unknown> {
    this.#assertOpen(action)
    this.#version++
    this.#exposed = true
    if (this.#destroyed) {
      this.#destroyed = false
      this.#regenerate()
    }
    return this.#data
  }

  #regenerate(): void {
    this.#sid = undefined
    this.#created = this.#init.now()
    this.#touched = this.#created
    this.#renewed = true
  }

  #changed(text: string): boolean {
    if (this.#renewed) return true
    const loaded = this.#loaded
    // A new session is worth a cookie only once it holds something.
    return loaded === undefined ? this.isPopulated : text !== loaded.text
  }

  /** The serialized body; the loaded text as long as nothing could have changed it. */
  #text(): string {
    if (!this.#exposed) return this.#loaded?.text ?? EMPTY_TEXT
    const data = this.#data
    const body = this.#flash === undefined ? data : [data, this.#flash]
    const text = this.#init.serializer.stringify(body)
    if (typeof text !== 'string') throw new SerializationError('serializer.stringify must return a string')
    return text
  }
}
