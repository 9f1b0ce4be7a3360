// The request pipeline's extension points, declared here and implemented by the opt-in modules in
// src/features/, which import this file: the core never imports a feature. Each contract carries
// the EXTENSION brand, so a value that did not come from its factory (`legacy: [42]`,
// `chunks: { max: 3 }`) does not compile, and is refused at setup when it is forced through.
//
// The pipeline, in store.ts: read (Cookie header → the session's sealed state, read.ts) → readers
// (legacy, when no cookie of ours opened: legacy.ts) → gates (every opened session, whatever its
// source: gates.ts) → Session (state) → write policy (write.ts) → a commit record (commit.ts).
// The legacy and gate steps are carried by the readers and gates themselves (their `runner`), so
// an app that configures none ships neither.

import type { SessionCommit } from './commit.ts'
import type { CookieSpec } from './cookie.ts'
import type { InvalidReason } from './result.ts'
import type { Loaded } from './session-state.ts'

/**
 * The brand of every extension the session options take (`chunking()`, `compression()`, the
 * legacy readers, `revocation()`, `deviceBound()`); its value names the kind. Only those
 * factories make values with it, so a hand-made object does not type-check as an option.
 * `Symbol.for`, so that two copies of the library in one app still recognise each other's.
 */
export const EXTENSION: unique symbol = Symbol.for('sealed-session.extension') as never

/**
 * @internal
 * The version of the contract between the core and the pipeline steps that gates and legacy
 * readers carry (their `runner`, which reads the store's parts, slots and session handles).
 * Bumped whenever those shapes change, so that a gate or reader from an install of another
 * version is refused at setup rather than failing on requests.
 */
export const STEP_VERSION = 1

/**
 * @internal
 * The key, in a session's sealed extension state, of the id of the old library's cookie it was
 * opened from (a session migrated by a legacy reader, and its descendants until `destroy()`):
 * a revocation of the session covers that cookie too.
 */
export const LEGACY_STATE = 'legacy'

/** @internal The kinds of extension, as their brand spells them. */
export type ExtensionKind = 'chunks' | 'compress' | 'legacy' | 'gate'

/** @internal Whether `value` is an extension of `kind` (a setup check; the types already ask for one). */
export function isExtension(value: unknown, kind: ExtensionKind): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { [EXTENSION]?: unknown })[EXTENSION] === kind
  )
}

/** What `chunking()` from `sealed-session/chunks` returns: pass it as the `chunks` option. */
export interface Chunking {
  /** The brand: made by `chunking()`. */
  readonly [EXTENSION]: 'chunks'
  /** Most cookies a session may span. */
  readonly max: number
  /**
   * @internal The cookie values that carry `token` under `name`, `name.1`... in order, at most
   * `max`. Throws a `CookieTooLargeError` beyond.
   */
  readonly split: (name: string, token: string) => string[]
}

/** What `compression()` from `sealed-session/compression` returns: pass it as `compress`. */
export interface Compression {
  /** The brand: made by `compression()`. */
  readonly [EXTENSION]: 'compress'
  /**
   * @internal The deflated body, or `undefined` when that would not shorten a token whose other
   * parts take `overhead` bytes (before base64url).
   */
  readonly pack: (body: Uint8Array, overhead: number) => Promise<Uint8Array | undefined>
}

/** @internal What a reader needs of the store's configuration. */
export interface ReaderContext {
  /** The store's cookie name: a cookie of the old library under this name is ours to replace. */
  readonly name: string
  readonly now: () => number
  readonly stringify: (value: unknown) => string
  /**
   * The request, when the store has one: the old cookie is deleted at each path it lies under,
   * where the old app may have set it.
   */
  readonly request: Request | undefined
}

/**
 * A reader of another library's session cookie, for the `legacy` option: made by
 * `cookieSession()` (`sealed-session/legacy/cookie-session`), `iron()` (`sealed-session/legacy/iron`)
 * or `reactRouter()` (`sealed-session/legacy/react-router`).
 */
export interface LegacyReader {
  /** The brand: made by a `sealed-session/legacy/*` reader. */
  readonly [EXTENSION]: 'legacy'
  /**
   * @internal Opens this library's cookie in `header` with that library's checks: `undefined`
   * when the request carries none, a failure with its reason, or the session and the cookies
   * that must be deleted once it is re-sealed in our format (with the path and domain the old
   * library set them with, and at each path the request lies under, as `forget` names them).
   * The session it gives has no known issue time: gates treat it as issued before any revocation
   * of its subject; its extension state names the old cookie (`LEGACY_STATE`).
   */
  readonly read: (header: string | null, context: ReaderContext) => Promise<LegacyResult | undefined>
  /**
   * @internal On logout: every cookie of this library the request carried (its session,
   * signature or chunk cookies), read or not, at the path and domain it names and at each path the
   * request lies under, so that no old cookie can bring the session back.
   */
  readonly forget: (header: string | null, request: Request | undefined) => readonly CookieSpec[]
  /**
   * @internal The pipeline's legacy step (core/legacy.ts): carried by the readers, so that the
   * core never imports it and an app without a reader ships none of it.
   */
  readonly runner: object
}

/** @internal What a legacy reader found. */
export type LegacyResult =
  | { readonly ok: true; readonly loaded: Loaded; readonly expire: readonly CookieSpec[] }
  | { readonly ok: false; readonly reason: InvalidReason }

/**
 * @internal
 * What a gate decides about an opened session: `undefined` admits it; `'unchecked'` admits it
 * for reading but nothing it carries may be sealed again (the gate could not decide and was
 * told to let it through); any other value refuses it, with the reason `onInvalid` hears.
 */
export type Verdict = undefined | 'unchecked' | GateRefusal

/** @internal Why a gate refused a session. */
export type GateRefusal = 'revoked' | 'unverified' | 'unbound'

/**
 * A check every opened session passes before the app sees it, and again before a session the
 * request loaded is sealed again: revocation (`sealed-session/revocation`), device binding
 * (`sealed-session/device-bound`). Gates run in one place, in the order configured, for a session
 * from any source: our cookie, chunked or not, the token cache, or an old library's cookie.
 */
export interface Gate<Name extends string = string> {
  /** The brand: made by `revocation()` or `deviceBound()`. */
  readonly [EXTENSION]: 'gate'
  /** @internal The gate's name: its key in the sealed extension state, and in messages. */
  readonly name: Name
  /**
   * @internal Called once per store made with this gate (an options function makes one per
   * tenant): the gate's instance for that store. Throws a `ConfigurationError` for a
   * combination that cannot work.
   */
  readonly setup: (store: GateSetup) => GateInstance
  /**
   * @internal The pipeline's gate step (core/gates.ts): carried by the gates, so that the core
   * never imports it and an app without a gate ships none of it.
   */
  readonly runner: object
}

/** @internal What a gate learns of a store at setup. */
export interface GateSetup {
  readonly cookieName: string
  readonly maxAgeMs: number
  readonly idleMs: number
  readonly skewMs: number
  /** The store's secrets, newest first: a gate derives keys of its own from them. */
  readonly secrets: readonly Uint8Array[]
  /** The store reads old libraries' cookies (`legacy`), whose issue time is unknown. */
  readonly legacy: boolean
}

/** @internal A gate bound to one store. */
export interface GateInstance {
  /** At load: may the session be used? */
  readonly admit: (entry: Admission) => Verdict | Promise<Verdict>
  /** Before a session the request loaded is sealed again (same lineage). */
  readonly sealing?: (entry: Admission) => Verdict | Promise<Verdict>
  /**
   * At commit, for the session the response carries (a destroyed one too, `destroyed` true):
   * response headers and cookies to add. It may change its own entry of `state` before the seal.
   */
  readonly committing?: (entry: Committing) => CommitExtras | undefined | Promise<CommitExtras | undefined>
  /**
   * Requests the gate answers itself, before the handler (its endpoints): a Response, or
   * `undefined` to let the app answer. Served by `withSession`, `store.handle` and the adapters
   * that can route.
   */
  readonly route?: (request: Request, store: GateStore) => Promise<Response | undefined> | undefined
}

/** @internal What a gate sees of an opened session. */
export interface Admission {
  /** The session the app will get (read its data through it, e.g. a subject). */
  readonly session: SessionView
  /**
   * When the session's identity was issued, ms since the epoch: its creation or last
   * `regenerate()`; `-Infinity` when unknown (a session opened from an old library's cookie),
   * so that any revocation of its subject covers it.
   */
  readonly issuedAt: number
  /** The whole `Cookie` header the session was loaded from. */
  readonly header: string | null
  /** The request, when the session was loaded from one. */
  readonly request: Request | undefined
  /** Extension state sealed with the session, by gate name (`{}` if none). */
  readonly state: Readonly<Record<string, unknown>>
  /** The request's clock, ms since the epoch. */
  readonly now: number
}

/** @internal The session as a gate reads it. */
export interface SessionView {
  readonly id: string
  readonly createdAt: number
  readonly isNew: boolean
  get(key: string): unknown
}

/** @internal What a gate sees when the response's session is committed. */
export interface Committing {
  readonly session: SessionView
  readonly destroyed: boolean
  /**
   * `destroy()` was called in this request, even if a write started a new session after it:
   * nothing the request carried lives on (a gate expires its own cookies).
   */
  readonly cut: boolean
  /** Extension state, by gate name, as it will be sealed: a gate may change its own entry. */
  readonly state: Record<string, unknown>
  readonly request: Request | undefined
  /** The request's clock, ms since the epoch. */
  readonly now: number
}

/** @internal What a gate adds to a commit. */
export interface CommitExtras {
  readonly headers?: readonly (readonly [string, string])[]
  /** Cookies of the gate's own, written with the store's attributes (`maxAge` 0 deletes). */
  readonly cookies?: readonly GateCookie[]
}

/** @internal A cookie a gate writes beside the session's. */
export interface GateCookie {
  readonly name: string
  readonly value: string
  /** Seconds; `undefined`: a browser-session cookie; 0 deletes. */
  readonly maxAge: number | undefined
}

/** @internal The store, as a gate's endpoint uses it. */
export interface GateStore {
  /**
   * The session `request` carries (undefined when none), its extension state, and a way to seal
   * state changes: loaded through every gate before the asking one. `'unverified'` when one of
   * those could not decide (a revocation store unreachable): nothing may be sealed for it now,
   * but the session may well be valid.
   */
  open(request: Request): Promise<GateSession | 'unverified' | undefined>
}

/** @internal A session an endpoint opened. */
export interface GateSession {
  readonly session: SessionView
  readonly state: Readonly<Record<string, unknown>>
  readonly now: number
  /**
   * The commit re-sealing the session with `state` as this gate's entry, plus `cookies` of the
   * gate's own: apply it to the endpoint's response with `applyCommit`. When a gate holds the
   * session back (revoked since it was loaded, or its store unreachable now), nothing is sealed
   * and nothing written, and that gate's verdict comes back instead: the endpoint refuses.
   */
  reseal(
    state: unknown,
    cookies?: readonly GateCookie[],
  ): Promise<SessionCommit | Exclude<Verdict, undefined>>
}
