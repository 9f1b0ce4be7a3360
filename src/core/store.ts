// The session store: the request pipeline in one place. load: read (read.ts) → legacy readers →
// gates → Session; commit: write policy (write.ts) → a commit record (commit.ts). Any framework
// that gives access to the Cookie header and a way to add Set-Cookie headers can use it.

import { applyToResponse, assertResponse, type SessionCommit } from './commit.ts'
import { type Hooks, loadSession, make, openSession } from './load.ts'
import type { SessionConfig } from './options.ts'
import { partsOf, type StoreParts } from './parts.ts'
import type { CookieSource } from './read.ts'
import type { JsonValue } from './serializer.ts'
import { handleOf, type Session } from './session.ts'
import type { FlashData, SessionData } from './session-state.ts'
import { commitSession } from './write.ts'

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

/** @internal A store with its hooks given per request (an options function's). */
export interface StoreCore extends SessionStore<SessionData> {
  readonly hooks: Hooks
  /** The same store with other hooks. */
  withHooks(hooks: Hooks): SessionStore<SessionData>
  /** A gate's endpoint, if `request` is for one. */
  route(request: Request): Promise<Response | undefined> | undefined
}

/** @internal Builds the store for a validated configuration: its parts, then a face over them. */
export function storeOf(config: SessionConfig): StoreCore {
  const parts: StoreParts = partsOf(config, { handleOf, make, openSession, commitSession })
  // A gate's endpoints, on the request's clock (an options function may give one per call).
  const route = parts.runner?.router(parts)
  return bound(parts, { now: config.now, onInvalid: config.onInvalid }, route)
}

/** The store's face for one set of hooks. */
function bound(
  parts: StoreParts,
  hooks: Hooks,
  route: ((request: Request, now: () => number) => Promise<Response | undefined>) | undefined,
): StoreCore {
  const store: StoreCore = {
    cookieName: parts.config.cookie.name,
    hooks,
    load: (source) => loadSession(parts, source, hooks),
    commit: (session) => commitSession(parts, session),
    async apply(session, response) {
      // Closed as soon as the snapshot is taken, not once sealed: a body still rendering (Astro,
      // a stream) may change the session meanwhile, and that change must throw, not vanish.
      let pending: Promise<SessionCommit>
      try {
        pending = commitSession(parts, session)
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
      other.now === hooks.now && other.onInvalid === hooks.onInvalid ? store : bound(parts, other, route),
    route: (request) => route?.(request, hooks.now),
  }
  return store
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
