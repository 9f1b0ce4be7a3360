/**
 * Opt-in revocation: end one session by its id, or every session of a subject (a user id your
 * app names) issued before a moment: "log out everywhere", "password changed". Pass
 * `revocation: revocation({ store, subject })` to the session options; only apps that import
 * this subpath ship its code.
 *
 * A revoked session is refused on its next check: the store is asked at most once per session
 * per `checkInterval` (30 s by default) and before any re-seal of a session not yet checked in
 * that request; {@link Revocation.verify} forces a check on sensitive routes. Between checks a
 * read-only request makes no store call, and a session without a subject makes none at all
 * (`anonymous: 'skip'`, the default with a `subject`). Stores: {@link memoryStore} (one process),
 * {@link redisStore}, {@link kvStore} (Workers KV), {@link durableObjectStore} (with
 * {@link RevocationObject}), {@link denoKvStore}. Their consistency windows: docs/revocation.md.
 *
 * @example Cloudflare Workers, "log out everywhere"
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { kvStore, revocation } from 'sealed-session/revocation'
 *
 * let revoker: Revocation | undefined
 * export default {
 *   fetch: withSession(async (request, session, env: Env) => {
 *     if (new URL(request.url).pathname === '/logout-everywhere') {
 *       await revoker!.revokeSubject(session.get('user'))
 *       session.destroy()
 *     }
 *     return new Response('ok')
 *   }, (request, env) => ({
 *     secret: env.SESSION_SECRET,
 *     revocation: (revoker ??= revocation({ store: kvStore(env.REVOKED), subject: (s) => s.get('user') })),
 *   })),
 * }
 * ```
 *
 * @module sealed-session/revocation
 */

import { shown } from '../../core/errors.ts'
import { EXTENSION, type Gate, type SessionView } from '../../core/extensions.ts'
import { gateRunner } from '../../core/gates.ts'
import type { Session } from '../../core/session.ts'
import { timeOf } from '../../core/session-state.ts'
import { Checks } from './check.ts'
import { invalid } from './contract.ts'
import { MAX_LIFETIME_MS, sessionGate } from './gate.ts'
import { type RevocationOptions, settingsOf } from './options.ts'

export { RevocationError, type RevocationStore } from './contract.ts'
export type { RevocationOptions } from './options.ts'
export { type DenoKvLike, denoKvStore } from './stores/deno-kv.ts'
export {
  type DurableObjectNamespaceLike,
  type DurableObjectStateLike,
  durableObjectStore,
  RevocationObject,
} from './stores/durable-object.ts'
export { type KvNamespaceLike, kvStore } from './stores/kv.ts'
export { memoryStore } from './stores/memory.ts'
export { type RedisCommands, redisStore } from './stores/redis.ts'

/** A session of any data type, as revocation reads it. */
export type AnySession = Pick<Session, 'id' | 'createdAt' | 'lifetime'>

/** What {@link Revocation.verify} found. */
export type Verification = 'valid' | 'revoked' | 'unverified'

/**
 * What {@link revocation} returns: pass it as the `revocation` option (it is the revocation
 * gate every opened session passes), and revoke through it.
 */
// `_Data` only names the session data it was made for (`Revocation<MyData>`); nothing here uses it.
export interface Revocation<_Data extends object = Record<string, unknown>> extends Gate {
  /** The brand of a gate: what the `revocation` option takes. */
  readonly [EXTENSION]: 'gate'
  /** @internal */
  readonly name: 'revocation'
  /**
   * Revokes one session, by its `Session` (kept only until it would have expired) or its `id`
   * (kept for the longest `maxAge`). A `Session` opened or upgraded from an old library's cookie
   * revokes that cookie too, for 400 days (it has no expiry of its own); `revoke(id)` cannot.
   * With `anonymous: 'skip'` (the default with a `subject`), only sessions with a subject are
   * checked by id.
   * @throws {ConfigurationError} `ERR_OPTION_INVALID` for a `Session` without a subject when
   * `anonymous` is `'skip'`: its revocation could never take effect.
   * @throws {RevocationError} `ERR_REVOCATION_STORE` when the store failed or timed out.
   */
  revoke(target: AnySession | string): Promise<void>
  /**
   * Revokes every session of `subject` issued before `before` (default now): "log out
   * everywhere". A session issued within `clockSkew` before it survives (see docs/revocation.md).
   * Every session of the subject loaded by a request under way is refused too, when re-sealed.
   * To keep the request's own session signed in, pass it as `keep` and call
   * `session.regenerate()` after this call: its new issue time is after the revocation.
   * @returns the moment recorded, ms since the epoch.
   * @throws {RevocationError} `ERR_REVOCATION_STORE` when the store failed or timed out.
   * @example
   * ```ts
   * await revoker.revokeSubject(session.get('user'), { keep: session })
   * session.regenerate()
   * ```
   */
  revokeSubject(subject: string, options?: number | { before?: number; keep?: AnySession }): Promise<number>
  /**
   * Asks the store now, whatever the interval, with a read of its own: for sensitive routes.
   * `'unverified'` when the store cannot answer, whatever `onUnavailable` says. A session the
   * request did not load (new), or one not checked (no subject, `anonymous: 'skip'`), is
   * `'valid'`; one opened from an old library's cookie is `'revoked'` by any revocation of its
   * subject.
   */
  verify(session: AnySession): Promise<Verification>
}

/** Kept past a session's end: covers the clocks' skew. */
const MARGIN_MS = 60_000

/**
 * Revocation for the `revocation` session option: a gate every session a store opens passes,
 * whatever its source (our cookie, chunked, the token cache, an old library's cookie).
 *
 * @example
 * ```ts
 * const revoker = revocation({ store: redisStore(client), subject: (s) => s.get('user') })
 * const store = createSessionStore({ secret, revocation: revoker })
 * // on password change:
 * await revoker.revokeSubject(userId)
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` for a missing store or an option out of
 * range; when set up for a session store whose `maxAge` is longer than `options.maxAge`.
 */
export function revocation<Data extends object = Record<string, unknown>>(
  options: RevocationOptions<Data>,
): Revocation<Data> {
  const settings = settingsOf(options)
  // The clock for a revocation: one that gives no time is the app's bug, said here (a revocation
  // recorded at NaN would match nothing).
  const now = (): number => timeOf(settings.now(), 'revocation: ')
  const checks = new Checks(settings)
  const gate = sessionGate(settings, checks)
  const { states } = gate

  return {
    [EXTENSION]: 'gate',
    name: 'revocation',
    setup: gate.setup,
    runner: gateRunner,

    async revoke(target) {
      const at = now()
      if (typeof target === 'string') return checks.revokeId(target, at, gate.lifetime() + MARGIN_MS)
      // The subject it was loaded with counts only while it keeps that id: one started anew
      // since (destroy(), then a write) is checked by its subject then, which it lacks.
      const loaded = states.get(target)
      const checked = loaded?.subject !== undefined && loaded.id === target.id
      if (settings.skip && !checked && subjectNow(target) === undefined) {
        throw invalid(
          "revocation: revoke() of a session without a subject never takes effect with anonymous: 'skip' " +
            "(such sessions are not checked); revoke its subject, or set anonymous: 'check'",
        )
      }
      // Until it would have expired anyway, whatever rewrites renewed its idle deadline. The old
      // library's cookie it descends from (its state names it) has no expiry of its own: a copy
      // may come back as long as a browser keeps a cookie, whenever ours expires.
      const ttlMs = target.createdAt + target.lifetime.maxAge * 1000 - at
      const old = loaded?.legacy
      if (old !== undefined) await checks.revokeId(old, at, MAX_LIFETIME_MS + MARGIN_MS)
      if (ttlMs > 0) await checks.revokeId(target.id, at, ttlMs + MARGIN_MS)
    },

    async revokeSubject(who, options) {
      if (typeof who !== 'string') throw invalid('revokeSubject: subject must be a string')
      const { before = now(), keep } =
        typeof options === 'object' && options !== null ? options : { before: options, keep: undefined }
      if (typeof before !== 'number' || !Number.isFinite(before))
        throw invalid(`revokeSubject: before must be ms since the epoch; got ${shown(before)}`)
      const kept = keep === undefined ? undefined : states.get(keep)
      if (kept !== undefined) kept.kept = true
      // Sessions issued before `before` end by `before + maxAge` at the latest.
      await checks.revokeSubject(who, before, before - now() + gate.lifetime() + MARGIN_MS)
      return before
    },

    async verify(session) {
      const state = states.get(session)
      if (state === undefined) return 'valid'
      checks.distrust(state)
      const verdict = await checks.check(state, state.kept ? session.createdAt : state.issuedAt, true)
      return verdict === undefined ? 'valid' : verdict === 'revoked' ? 'revoked' : 'unverified'
    },
  }

  /** The subject of `target` now, if it is a `Session`. */
  function subjectNow(target: AnySession): string | undefined {
    return typeof (target as Partial<SessionView>).get === 'function' ? gate.subjectOf(target) : undefined
  }
}
