// The session store: the request pipeline in one place. load: read (read.ts) → legacy readers →
// gates → Session; commit: write policy (write.ts) → a commit record (commit.ts). Any framework
// that gives access to the Cookie header and a way to add Set-Cookie headers can use it.

import {
  applyToResponse,
  assertResponse,
  type CookieWrite,
  commitOf,
  NOTHING,
  type SessionCommit,
} from './commit.ts'
import { configError } from './errors.ts'
import type { Admission, CommitExtras, GateCookie, GateInstance, GateStore, Verdict } from './extensions.ts'
import { keyringOf } from './keys.ts'
import type { SessionConfig } from './options.ts'
import {
  type CookieSource,
  cookieHeader,
  type LegacyOpened,
  type Opened,
  openCandidate,
  ourCookies,
  readLegacy,
} from './read.ts'
import { report, warnPlainHttp } from './report.ts'
import type { JsonValue } from './serializer.ts'
import {
  type FlashData,
  handleOf,
  type Loaded,
  Session,
  type SessionData,
  type SessionHandle,
  textOf,
} from './session.ts'
import { type InvalidReason, tokenCodec } from './token.ts'
import { type Slot, type WriteParts, writesOf } from './write.ts'

/** A handler that receives the session after the request, then whatever the runtime passes. */
export type SessionHandler<
  Data extends SessionData,
  Rest extends unknown[],
  Flash extends FlashData = Record<string, unknown>,
> = (request: Request, session: Session<Data, Flash>, ...rest: Rest) => Response | Promise<Response>

/**
 * Loads sessions from requests and commits them to `Set-Cookie` values. Made by
 * {@link createSessionStore}; one per cookie name (several sessions: several stores, each with
 * its own name).
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
   */
  load(source: CookieSource): Promise<Session<Data, Flash>>
  /**
   * What the session needs written now, as a {@link SessionCommit}: empty when nothing changed.
   * Calling it again with nothing changed since gives the same commit (nothing is sealed twice);
   * after further changes it gives the whole of what the response needs. The session stays open.
   * @throws {CookieTooLargeError} when the session outgrows its cookie (or cookies).
   * @throws {SerializationError} when the data cannot be stored faithfully.
   */
  commit(session: Session<Data, Flash>): Promise<SessionCommit>
  /**
   * Commits the session onto `response` (appending `Set-Cookie`, making it `private` when it
   * carries a cookie) and closes the session: later changes throw `SessionCommittedError`. A
   * response with immutable headers (a `fetch()` result) is re-wrapped: use the one returned.
   */
  apply(session: Session<Data, Flash>, response: Response): Promise<Response>
  /**
   * Closes the session without writing it, for a request that failed: later changes throw.
   */
  discard(session: Session<Data, Flash>): void
  /**
   * Wraps a whole handler `(request, session, ...rest) => Response`, keeping the runtime's own
   * arguments (`env`, `ctx` on Workers). When the handler throws, nothing is written. Requests
   * to a gate's own endpoints (device binding) are answered before the handler.
   */
  handle<Rest extends unknown[]>(
    handler: SessionHandler<Data, Rest, Flash>,
  ): (request: Request, ...rest: Rest) => Promise<Response>
}

/** @internal What varies per request besides the cookie: the clock and the report hook. */
export interface Hooks {
  readonly now: () => number
  readonly onInvalid: SessionConfig['onInvalid']
}

/** @internal A store with its hooks given per request (an options function's). */
export interface StoreCore extends SessionStore<SessionData> {
  readonly hooks: Hooks
  /** The same store with other hooks. */
  withHooks(hooks: Hooks): SessionStore<SessionData>
  /** A gate's endpoint, if `request` is for one. */
  route(request: Request): Promise<Response | undefined> | undefined
}

/** @internal Builds the store for a validated configuration. */
export function storeOf(config: SessionConfig): StoreCore {
  const { cookie } = config
  const setup = {
    cookieName: cookie.name,
    maxAgeMs: config.maxAgeMs,
    idleMs: config.idleMs,
    skewMs: config.skewMs,
    secrets: config.secrets,
  }
  const parts: WriteParts = {
    config,
    codec: tokenCodec(cookie.name, config.mode, config.compress),
    keyring: keyringOf(config.secrets, config.mode),
    gates: config.gates.map((gate) => gate.setup(setup)),
  }
  const context = {
    serializer: config.serializer,
    maxAgeMs: config.maxAgeMs,
    idleMs: config.idleMs,
    sessionCookie: cookie.sessionCookie,
    save: async (s: Session<SessionData>) => void (await commitSession(s)),
  }
  const reader = {
    name: cookie.name,
    now: config.now,
    stringify: (v: unknown) => config.serializer.stringify(v),
  }
  const routes = parts.gates.flatMap((g, i) =>
    g.route ? [[g.route, gateStore(i, config.gates[i]!.name)] as const] : [],
  )

  /** The session's handle and slot, refusing a session another store made. */
  function owned(session: Session<SessionData>): [SessionHandle, Slot] {
    const h = handleOf(session)
    if (h.context !== context)
      throw configError('ERR_OPTION_INVALID', 'commit a session with the store that loaded it')
    return [h, h.slot as Slot]
  }

  async function load(source: CookieSource, hooks: Hooks): Promise<Session<SessionData>> {
    const header = cookieHeader(source)
    const request = source instanceof Request ? source : undefined
    const now = hooks.now()
    const found = await open(header, now, request, parts.gates, () => Math.floor(hooks.now()))
    if (found.reason !== undefined && hooks.onInvalid) report(hooks.onInvalid, found.reason, request)
    return found.session
  }

  /** read → legacy readers → gates, in that order, for any source of session. */
  async function open(
    header: string | null,
    now: number,
    request: Request | undefined,
    gates: readonly GateInstance[],
    clock: () => number,
  ) {
    const cookies = ourCookies(header, config)
    const ring = parts.keyring()
    const keys = ring instanceof Promise ? await ring : ring
    let reason: InvalidReason | undefined
    let opened: Opened | (LegacyOpened & { keyId?: undefined }) | undefined
    for (const value of cookies.values) {
      const result = await openCandidate(parts, value, cookies, keys, now)
      if (result.ok) {
        opened = result
        reason = undefined
        break
      }
      reason ??= result.reason
    }
    if (opened === undefined && config.legacy.length > 0) {
      const legacy = await readLegacy(config.legacy, header, reader, reason)
      if ('loaded' in legacy) {
        opened = legacy
        reason = undefined
      } else reason = legacy.reason
    }
    const base = {
      chunks: cookies.chunks,
      hadCookie: cookies.values.length > 0,
      expire: opened && 'expire' in opened ? opened.expire : [],
      header,
      request,
    }
    if (opened === undefined)
      return {
        session: make(
          undefined,
          { ...base, keyId: undefined, hold: undefined, admission: undefined },
          clock,
          now,
        ),
        reason,
      }
    const session = make(
      opened.loaded,
      { ...base, keyId: opened.keyId ?? '', hold: undefined, admission: undefined },
      clock,
      now,
    )
    const h = handleOf(session)
    const admission: Admission = {
      session,
      issuedAt: opened.loaded.legacy ? -Infinity : opened.loaded.created,
      header,
      request,
      state: h.state,
      now,
    }
    const verdict = await admit(gates, admission)
    if (verdict === undefined) {
      h.slot = { ...(h.slot as Slot), admission }
      return { session, reason }
    }
    if (verdict === 'unchecked') {
      h.slot = { ...(h.slot as Slot), hold: 'unchecked', admission }
      return { session, reason: 'unverified' as const }
    }
    // Refused: a new, empty session. Undecided ('unverified'): nothing replaces the cookie.
    const hold = verdict === 'unverified' ? ('refused' as const) : undefined
    return {
      session: make(
        undefined,
        { ...base, keyId: undefined, hold, admission: undefined, expire: [] },
        clock,
        now,
      ),
      reason: verdict,
    }
  }

  function make(
    loaded: Loaded | undefined,
    slot: Slot,
    clock: () => number,
    now: number,
  ): Session<SessionData> {
    const created = loaded?.created ?? Math.floor(now)
    const h: SessionHandle = {
      context,
      loaded,
      now: clock,
      data: (loaded?.data ?? {}) as Record<string, unknown>,
      flash: loaded?.flash,
      state: { ...loaded?.state },
      sid: loaded?.sid,
      created,
      touched: loaded?.touched ?? created,
      lifetime: loaded?.lifetime,
      destroyed: false,
      cut: false,
      renewed: false,
      closed: false,
      exposed: false,
      version: 0,
      slot,
    }
    return new Session(h)
  }

  /**
   * What the session needs written, reusing the last commit while nothing changed since (a
   * failed one: nothing is written unless the app changes the session again).
   */
  async function commitSession(
    session: Session<SessionData>,
    own: readonly GateCookie[] = [],
  ): Promise<SessionCommit> {
    const [h, slot] = owned(session)
    const { saved } = slot
    if (saved !== undefined && saved.version === h.version && own.length === 0) {
      if (saved.commit === FAILED) return NOTHING
      if (!h.exposed || saved.text === textOf(h)) return saved.commit as SessionCommit
    }
    slot.saved = undefined
    const version = h.version
    try {
      const extras: CommitExtras[] = own.length > 0 ? [{ cookies: own }] : []
      const { writes, implicit, text } = await writesOf(parts, session, h, slot, extras)
      const gateCookies = extras
        .flatMap((e) => e.cookies ?? [])
        .map((c): CookieWrite => ({ spec: cookie, ...c }))
      const commit = commitOf(
        writes.concat(gateCookies),
        extras.flatMap((e) => e.headers ?? []),
        implicit,
      )
      if (commit.private && cookie.parts.secure && slot.request) warnPlainHttp(slot.request)
      slot.saved = { version: h.version, text, commit }
      return commit
    } catch (error) {
      slot.saved = { version, text: '', commit: FAILED }
      throw error
    }
  }

  /** The store as gate `index`'s endpoints see it: sessions loaded through the gates before it. */
  function gateStore(index: number, name: string): GateStore {
    return {
      async open(request) {
        const now = Math.floor(config.now())
        const clock = () => Math.floor(config.now())
        const found = await open(
          request.headers.get('cookie'),
          now,
          request,
          parts.gates.slice(0, index),
          clock,
        )
        const { session } = found
        // Refused undecided, or admitted read-only: either way nothing may be sealed for it.
        if (found.reason === 'unverified') return 'unverified'
        if (session.isNew) return undefined
        const h = handleOf(session)
        return {
          session,
          state: h.state,
          now,
          reseal(state, cookies = []) {
            h.state = { ...h.state, [name]: state }
            h.exposed = true
            h.version++
            return commitSession(session, cookies)
          },
        }
      },
    }
  }

  function bound(hooks: Hooks): StoreCore {
    const store: StoreCore = {
      cookieName: cookie.name,
      hooks,
      load: (source) => load(source, hooks),
      commit: commitSession,
      async apply(session, response) {
        // Closed as soon as the snapshot is taken, not once sealed: a body still rendering (Astro,
        // a stream) may change the session meanwhile, and that change must throw, not vanish.
        let pending: Promise<SessionCommit>
        try {
          pending = commitSession(session)
        } finally {
          handleOf(session).closed = true
        }
        return applyToResponse(response, await pending)
      },
      discard(session) {
        handleOf(session).closed = true
      },
      handle(handler) {
        return async function sealedSession(request, ...rest) {
          return respond(store, handler, request, rest)
        }
      },
      withHooks: (other) =>
        other.now === hooks.now && other.onInvalid === hooks.onInvalid ? store : bound(other),
      route: (request) => (routes.length === 0 ? undefined : route(request)),
    }
    return store
  }

  async function route(request: Request): Promise<Response | undefined> {
    for (const [serve, store] of routes) {
      const answer = await serve(request, store)
      if (answer) return answer
    }
    return undefined
  }

  return bound({ now: config.now, onInvalid: config.onInvalid })
}

const FAILED = Symbol('failed')

/** Runs the gates in order; the first that does not admit decides. */
async function admit(gates: readonly GateInstance[], entry: Admission): Promise<Verdict> {
  let held: Verdict
  for (const gate of gates) {
    const verdict = await gate.admit(entry)
    if (verdict === 'unchecked') held = verdict
    else if (verdict !== undefined) return verdict
  }
  return held
}

/**
 * @internal
 * Runs `handler` with the session `request` carries and applies it to the response. What a
 * throwing handler changed is not written. A gate's endpoint answers first.
 */
export async function respond<Rest extends unknown[]>(
  store: StoreCore | SessionStore<SessionData>,
  handler: SessionHandler<SessionData, Rest>,
  request: Request,
  rest: Rest,
): Promise<Response> {
  const routed = 'route' in store ? store.route(request) : undefined
  if (routed !== undefined) {
    const answer = await routed
    if (answer) return answer
  }
  const session = await store.load(request)
  let response: unknown
  try {
    response = await handler(request, session, ...rest)
    assertResponse(response)
  } catch (error) {
    store.discard(session)
    throw error
  }
  return store.apply(session, response)
}
