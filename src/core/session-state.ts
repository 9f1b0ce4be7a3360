// A session's state and the pure functions over it: what the `Session` class (session.ts) changes,
// and what the store's steps (load.ts, write.ts) read. No I/O and no crypto.

import { configError, SerializationError, shown } from './errors.ts'
import { randomBytes } from './random.ts'
import type { Serializer } from './serializer.ts'
import { MAX_UINT48, SESSION_ID_BYTES } from './sizes.ts'
import type { Lifetime } from './token.ts'

/**
 * The shape of session data: an object (an `interface` is fine). With the default serializer the
 * store's type parameter also requires every value to be JSON ({@link Json}).
 */
export type SessionData = object

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
  save(session: object): Promise<void>
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

/**
 * @internal
 * A request's clock in whole ms. One that gives no number (a BigInt from hrtime) reads NaN: every
 * lifetime check then fails closed, and a write refuses it (ERR_OPTION_INVALID), where
 * `Math.floor` would throw a TypeError.
 */
export function clockOf(now: () => unknown): () => number {
  return () => {
    const ms = now()
    return typeof ms === 'number' ? Math.floor(ms) : Number.NaN
  }
}

/**
 * @internal
 * A clock's reading where a time is sealed or recorded: ms since the epoch that fit the format's
 * 48 bits. Anything else is the app's clock at fault, said as `who`'s (ERR_OPTION_INVALID).
 */
export function timeOf(ms: unknown, who = ''): number {
  if (typeof ms !== 'number' || !(ms >= 0 && ms < MAX_UINT48)) {
    throw configError('ERR_OPTION_INVALID', `${who}now() must return ms since the epoch; got ${shown(ms)}`)
  }
  return ms
}

/** @internal The session's id, drawn now if it has none yet. */
export function idOf(h: SessionHandle): Uint8Array {
  h.sid ??= randomBytes(SESSION_ID_BYTES)
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

/** @internal A new id and a new start for the absolute lifetime. */
export function regenerate(h: SessionHandle): void {
  h.sid = undefined
  h.created = h.now()
  h.touched = h.created
  h.renewed = true
}

/** @internal */
export function isPopulated(h: SessionHandle): boolean {
  return hasKeys(h.data) || h.flash !== undefined
}

/** @internal */
export function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}
