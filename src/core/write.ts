// The write policy: what a session's state asks the response to carry. Destroyed: expire every
// cookie of it (ours, chunks, an old library's), whatever any gate said. Changed, renewing or
// re-keyed: seal it, unless a gate holds it. Otherwise nothing: an unchanged session is never
// re-sealed.

import { chunkName, presentChunks } from './chunk-read.ts'
import { type CookieWrite, commitOf, NOTHING, type SessionCommit } from './commit.ts'
import type { CookieSpec, SessionCookies } from './cookie.ts'
import { CookieTooLargeError, configError } from './errors.ts'
import type { Admission, CommitExtras, GateCookie, SessionView, Verdict } from './extensions.ts'
import type { StoreParts } from './parts.ts'
import { warnPlainHttp } from './report.ts'
import { handleOf, type Session } from './session.ts'
import {
  changedOf,
  idOf,
  limitsOf,
  type SessionData,
  type SessionHandle,
  textOf,
  timeOf,
} from './session-state.ts'
import { MAX_COOKIE_BYTES } from './sizes.ts'

/** @internal The store's parts a write uses. */
export type WriteParts = Pick<StoreParts, 'config' | 'codec' | 'keyring' | 'gates' | 'runner' | 'legacy'>

const FAILED = Symbol('failed')

/**
 * @internal
 * What the session needs written now, as a commit record, with `own` cookies of a gate's beside
 * it. The last commit is reused while nothing changed since (after a failed one, nothing is
 * written unless the app changes the session again).
 */
export async function commitSession(
  parts: StoreParts,
  session: Session<SessionData>,
  own: readonly GateCookie[] = [],
): Promise<SessionCommit> {
  const h = handleOf(session)
  if (h.context !== parts.context) {
    throw configError('ERR_OPTION_INVALID', 'commit a session with the store that loaded it')
  }
  const slot = h.slot as Slot
  const saved = own.length === 0 && lastCommit(h)
  if (saved) return saved
  slot.saved = undefined
  const version = h.version
  try {
    const extras: CommitExtras[] = own.length > 0 ? [{ cookies: own }] : []
    const { writes, implicit, text } = await writesOf(parts, session, h, slot, extras)
    const spec = parts.config.cookie
    let headers: readonly (readonly [string, string])[] = []
    for (const extra of extras) {
      for (const c of extra.cookies ?? []) writes.push({ spec, ...c })
      if (extra.headers) headers = headers.concat(extra.headers)
    }
    const commit = commitOf(writes, headers, implicit)
    if (commit.private && spec.parts.secure && slot.request) warnPlainHttp(slot.request)
    slot.saved = { version: h.version, text, commit }
    return commit
  } catch (error) {
    slot.saved = { version, text: textOrEmpty(h), commit: FAILED }
    throw error
  }
}

/**
 * @internal
 * The session's last commit while nothing changed since (what {@link commitSession} gives then),
 * without waiting: for a framework that sends the response before a seal could finish.
 */
export function savedCommit(session: Session<SessionData>): SessionCommit | undefined {
  return lastCommit(handleOf(session))
}

function lastCommit(h: SessionHandle): SessionCommit | undefined {
  const { saved } = h.slot as Slot
  if (saved === undefined || saved.version !== h.version) return undefined
  // The same version may hide an in-place change (an object from get() edited): compare the text.
  if (h.exposed && saved.text !== textOrEmpty(h)) return undefined
  return saved.commit === FAILED ? NOTHING : (saved.commit as SessionCommit)
}

/** @internal What the store keeps on a session it loaded (the handle's slot). */
export interface Slot {
  /** The key id it opened with; `''` for an old library's cookie; `undefined` for a new session. */
  keyId: string | undefined
  /** The request's chunk cookies a write may expire. */
  readonly chunks: SessionCookies['chunks']
  /** The request carried a cookie under our name. */
  readonly hadCookie: boolean
  /** An old library's cookies, deleted once the session is written in our format. */
  expire: readonly CookieSpec[]
  /**
   * A gate could not decide: `'refused'` (the app got a new session; nothing replaces the
   * browser's cookie unless the app starts a new identity) or `'unchecked'` (the app reads the
   * session; nothing it carries is sealed again).
   */
  hold: 'refused' | 'unchecked' | undefined
  /** The `Cookie` header the session was loaded from: on logout, every old library's cookie in it goes. */
  readonly header: string | null
  /** The request the session was loaded from, if any. */
  readonly request: Request | undefined
  /** What the gates saw at load, for their check before a re-seal. */
  admission: Admission | undefined
  /** What the gate that held back a re-seal said (set by the gates' runner, gates.ts). */
  held?: Verdict
  /** The last commit, reused while the session stays the same. */
  saved?: { readonly version: number; readonly text: string; readonly commit: unknown } | undefined
}

/** The body's text, or `''` when the serializer refuses it (the commit then said why). */
function textOrEmpty(h: SessionHandle): string {
  try {
    return textOf(h)
  } catch {
    return ''
  }
}

/** @internal The cookies to write and whether the app asked for them. */
export interface Writes {
  readonly writes: CookieWrite[]
  readonly implicit: boolean
  /** The body as committed, to tell later whether anything changed since. */
  readonly text: string
}

/** @internal What the session needs written now. May throw a write error (too large, serializer). */
export async function writesOf(
  parts: WriteParts,
  session: SessionView,
  h: SessionHandle,
  slot: Slot,
  extras: CommitExtras[],
): Promise<Writes> {
  const { config } = parts
  const spec = config.cookie
  if (parts.runner) await parts.runner.committing(parts, session, h, slot.request, extras)
  const text = textOf(h)
  const NONE = { writes: [], implicit: false, text }
  if (h.destroyed) {
    const writes = slot.hadCookie ? [expiry(spec, spec.name)] : []
    const chunks = presentChunks(spec.name, slot.chunks).map((name) => expiry(spec, name))
    return { writes: writes.concat(chunks, legacyExpiry(parts, h, slot)), implicit: false, text }
  }
  const changed = changedOf(h, text)
  if (slot.keyId === undefined && !changed) return NONE
  // What the app holds descends from the cookie the request carried (no destroy() since).
  const lineage = !h.cut && slot.keyId !== undefined
  if (slot.hold === 'unchecked' && lineage) return NONE
  if (slot.hold === 'refused' && !h.renewed) return NONE
  const now = timeOf(h.now())
  const ring = parts.keyring()
  const keys = ring instanceof Promise ? await ring : ring
  const { maxAgeMs, idleMs } = limitsOf(config, h.lifetime)
  if (
    !changed &&
    slot.keyId === keys.current.id &&
    h.touched + idleMs - now >= idleMs * config.renewThreshold
  ) {
    return NONE
  }
  // A loaded session is sealed again only once every gate vouched for it in this request.
  if (lineage && slot.admission && (await parts.runner!.holds(parts, h, slot.admission, now))) return NONE
  // Readers require created <= touched. `created` may come from a server whose clock runs up to
  // clockSkew ahead of this one, or from this clock before it stepped back: never seal a
  // `touched` before it, or every server would refuse the cookie.
  const touched = Math.max(now, h.created)
  const { created, lifetime } = h
  const sid = idOf(h)
  const token = await parts.codec.seal({ created, touched, sid, lifetime, body: text }, keys)
  h.touched = touched
  const persistent = lifetime === undefined ? !spec.sessionCookie : lifetime.persistent
  const maxAge = persistent ? (Math.min(created + maxAgeMs, touched + idleMs) - now) / 1000 : undefined
  const values = config.chunks ? config.chunks.split(spec.name, token) : [single(spec.name, token)]
  const writes = values.map(
    (value, i): CookieWrite => ({ spec, name: chunkName(spec.name, i), value, maxAge }),
  )
  // The browser sends this token back next: remembered, it opens without a decrypt.
  config.tokenCache?.set(keys, spec.name, token, { created, touched, sid, lifetime, key: keys.current, text })
  if (slot.chunks)
    for (const name of presentChunks(spec.name, slot.chunks, values.length)) writes.push(expiry(spec, name))
  if (h.cut || slot.expire.length > 0) writes.push(...legacyExpiry(parts, h, slot))
  return { writes, implicit: !changed, text }
}

/** The one cookie a token takes with chunking off. @throws {CookieTooLargeError} */
function single(name: string, token: string): string {
  const size = name.length + 1 + token.length
  if (size > MAX_COOKIE_BYTES) {
    // How many cookies chunking would need: each holds a piece after `name.N=` (or `name=N~`).
    const pieces = Math.ceil(token.length / (MAX_COOKIE_BYTES - name.length - 3))
    throw new CookieTooLargeError(size, MAX_COOKIE_BYTES, pieces)
  }
  return token
}

function expiry(spec: CookieSpec, name: string): CookieWrite {
  return { spec, name, value: '', maxAge: 0 }
}

/**
 * The old library's cookies to delete: those the session was read from, once it is written in
 * our format; after a `destroy()`, every cookie of every legacy reader the request carried, read
 * or not, so that none of them can bring the session back.
 */
function legacyExpiry(parts: WriteParts, h: SessionHandle, slot: Slot): CookieWrite[] {
  const specs = h.cut ? (parts.legacy?.forget(parts, slot.header, slot.request) ?? []) : slot.expire
  return specs.map((spec) => expiry(spec, spec.name))
}
