// The `Session` a handler reads and changes: a thin face over its state (session-state.ts). The
// store and the gates reach that state through one handle, `handleOf(session)`.

import { base64urlEncode } from './encoding.ts'
import { configError, describe, SerializationError, SessionCommittedError, shown } from './errors.ts'
import { isPlainObject, type JsonValue } from './serializer.ts'
import {
  changedOf,
  type FlashData,
  hasKeys,
  idOf,
  isPopulated,
  type LifetimeOptions,
  limitsOf,
  regenerate,
  type SessionData,
  type SessionHandle,
  textOf,
  touch,
} from './session-state.ts'

export type { FlashData, LifetimeOptions, SessionData } from './session-state.ts'

/** String keys of the data: what `get`, `set`, `has` and `delete` take. */
type Key<T> = keyof T & string

/** @internal The session's state, for the store and the gates. */
export let handleOf: (session: Session<SessionData>) => SessionHandle

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
      `setLifetime: ${name} must be 1 to ${limitMs / 1000} seconds; got ${shown(value)}`,
    )
  }
  return Math.floor(value)
}
