// The revocation gate's side of a request: what the core calls for every session a store opens
// (`admit`) and before a session the request loaded is sealed again (`sealing`), and the state it
// keeps for that session until the response is written.

import {
  type Admission,
  type GateInstance,
  type GateSetup,
  type Verdict as GateVerdict,
  LEGACY_STATE,
} from '../../core/extensions.ts'
import type { Checks, State } from './check.ts'
import { invalid } from './contract.ts'
import type { Settings } from './options.ts'

/**
 * @internal What the `admit` and `sealing` methods answer, until the core calls gates through
 * `setup`: `undefined` when the session may be used (and written); revoked; refused (the store
 * did not answer, `onUnavailable: 'refuse'`); kept unchecked (`'allow'`), never re-sealed.
 */
export type Verdict = undefined | 'revoked' | 'refused' | 'unchecked'

/** @internal What the core tells `setup` that revocation uses. */
export type StoreLimits = Pick<GateSetup, 'maxAgeMs' | 'skewMs' | 'legacy'>

/** @internal The gate of one `revocation()`, shared by every store it is set up for. */
export interface SessionGate {
  /** The state of each session a store opened, by the session object the app gets. */
  readonly states: WeakMap<object, State>
  readonly setup: (store: StoreLimits) => GateInstance
  readonly sealing: (entry: Admission) => GateVerdict | Promise<GateVerdict>
  /** How long a subject's revocation is kept (ms): the longest `maxAge` of its stores. */
  readonly lifetime: () => number
  /** The subject of `session`, by the `subject` option. */
  readonly subjectOf: (session: object) => string | undefined
}

/**
 * @internal The longest a cookie lives in a browser: how long a revocation that covers an old
 * library's cookie (which has no expiry of its own) is kept.
 */
export const MAX_LIFETIME_MS = 400 * 24 * 3600 * 1000

/** @internal */
export function sessionGate<Data extends object>(settings: Settings<Data>, checks: Checks): SessionGate {
  const states = new WeakMap<object, State>()
  let maxAgeMs = settings.maxAgeMs
  /** Some store using this revocation reads old libraries' cookies. */
  let legacy = false
  const subjectOf = (session: object): string | undefined => {
    const who = settings.subject?.(session as never)
    return who === undefined || who === null ? undefined : String(who)
  }

  function admit(entry: Admission, skewMs: number): GateVerdict | Promise<GateVerdict> {
    const who = subjectOf(entry.session)
    // A session of nobody, with `anonymous: 'skip'`: no state, so no check now or when sealed.
    if (who === undefined && settings.skip) return undefined
    const { id } = entry.session
    const { issuedAt } = entry
    const key = who === undefined ? id : `${id} ${who}`
    const legacy = entry.state[LEGACY_STATE]
    const state: State = {
      key,
      id,
      subject: who,
      issuedAt,
      legacy: typeof legacy === 'string' ? legacy : undefined,
      skewMs,
      checked: false,
      verdict: undefined,
      epoch: checks.epoch,
      kept: false,
      joined: false,
    }
    states.set(entry.session, state)
    if (checks.locally(state, issuedAt)) {
      state.checked = true
      return (state.verdict = 'revoked')
    }
    return checks.trusted(state) ? undefined : checks.check(state, issuedAt, false)
  }

  function sealing(entry: Admission): GateVerdict | Promise<GateVerdict> {
    const state = states.get(entry.session)
    if (state === undefined) return undefined
    // Kept by its own revokeSubject(): a regenerate() since gave it a later issue time.
    const issuedAt = state.kept ? entry.issuedAt : state.issuedAt
    // A regenerate() re-issues the session, and a later revocation no longer covers it: decide on
    // a read of this request's own, never on one another process's revocation may have overtaken.
    const reissued = entry.issuedAt !== state.issuedAt
    if (!state.checked || (reissued && state.joined)) return checks.check(state, issuedAt, reissued)
    // Checked, but a revocation made here since then is judged too: a request under way when
    // its session was revoked must not re-seal it, nor regenerate() it into one issued after.
    if (state.verdict !== 'revoked' && state.epoch !== checks.epoch) {
      if (checks.locally(state, issuedAt)) state.verdict = 'revoked'
      state.epoch = checks.epoch
    }
    return state.verdict
  }

  function setup(store: StoreLimits): GateInstance {
    const own = settings.maxAgeMs
    if (store.legacy) checkLegacy(own)
    // An old library's cookie has no issue time and may live as long as a browser keeps it: its
    // revocations are kept the longest a cookie lives, 400 days.
    if (store.legacy) legacy = true
    if (own === 0) maxAgeMs = Math.max(maxAgeMs, store.maxAgeMs)
    else if (store.maxAgeMs > own) {
      throw invalid(
        `revocation: maxAge is ${own / 1000} s, shorter than the session store's maxAge of ` +
          `${store.maxAgeMs / 1000} s: a subject's revocation would be forgotten while sessions it ` +
          `ended still live. Give revocation() a maxAge of at least ${store.maxAgeMs / 1000}, or none.`,
      )
    }
    const { skewMs } = store
    return { admit: (entry) => admit(entry, skewMs), sealing }
  }

  const lifetime = () => (maxAgeMs > 0 && !legacy ? maxAgeMs : MAX_LIFETIME_MS)
  return { states, setup, sealing, lifetime, subjectOf }
}

/**
 * A store reading old libraries' cookies counts as a `maxAge` of 400 days: a shorter one, given
 * to every process (an admin job that revokes sets up no store), would forget a revocation while
 * a copy of an old cookie, which has no expiry, may still come back.
 */
function checkLegacy(own: number): void {
  if (own === 0 || own >= MAX_LIFETIME_MS) return
  throw invalid(
    `revocation: maxAge is ${own / 1000} s, but the session store reads old libraries' cookies ` +
      `(legacy), which have no expiry: a copy may come back for as long as a browser keeps a ` +
      `cookie, 400 days. Give revocation() a maxAge of ${MAX_LIFETIME_MS / 1000}, or none.`,
  )
}
