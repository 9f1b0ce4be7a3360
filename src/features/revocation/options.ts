// The options of revocation(), and their checking.

import { checkKeys, shown } from '../../core/errors.ts'
import type { Session } from '../../core/session.ts'
import { clockOf } from '../../core/session-state.ts'
import type { CheckConfig } from './check.ts'
import { invalid, type RevocationStore } from './contract.ts'

/** Options of {@link revocation}. */
export interface RevocationOptions<Data extends object = Record<string, unknown>> {
  /** Where revocations are kept. */
  store: RevocationStore
  /**
   * The subject (a user id) a session belongs to, read from its data on every check without a
   * store read; `undefined` for a session of nobody (signed out). Needed by `revokeSubject`.
   * @example (session) => session.get('user')
   * @default undefined (no session has a subject: `revokeSubject` ends none)
   */
  subject?: (session: Session<Data, never>) => string | undefined
  /**
   * Sessions without a subject (signed out, anonymous carts): `'check'` asks the store about
   * their id like any other's, one read per session per `checkInterval`; `'skip'` admits them
   * with no store read, so `revoke()` cannot reach them (`revoke(session)` of one throws). With a
   * `subject`, revocations are about people, and a public route that gives every visitor a
   * session would otherwise pay a store read per visitor: `'skip'`. Without one, every session
   * is anonymous and revocation by id is all there is: `'check'`.
   * @default 'skip' with a `subject`, `'check'` without
   */
  anonymous?: 'check' | 'skip'
  /**
   * Seconds a successful check is trusted before the store is asked again for that session.
   * 0 asks on every request.
   * @default 30
   */
  checkInterval?: number
  /**
   * Seconds to wait for the store before the session counts as unverified.
   * @default 1
   */
  timeout?: number
  /**
   * When the store fails, hangs or is slow: `'refuse'` treats the request as signed out,
   * `'allow'` keeps the session unchecked. Either way nothing is written for it, so the browser
   * keeps its cookie, and `onInvalid` hears `'unverified'`.
   * @default 'refuse'
   */
  onUnavailable?: 'refuse' | 'allow'
  /**
   * Sessions whose last check this process remembers (least recently checked forgotten first;
   * a forgotten one is just checked again).
   * @default 10000
   */
  entries?: number
  /**
   * How long (seconds) a subject's revocation is kept: at least the longest `maxAge` of the
   * session stores using this revocation. A store with a longer `maxAge` is refused at setup; a
   * store with `legacy` readers counts as 400 days (old cookies have no expiry).
   * @default the largest `maxAge` of its stores so far (400 days once one has `legacy` readers),
   * or 400 days before any
   */
  maxAge?: number
  /**
   * Clock in ms since the epoch.
   * @default Date.now
   */
  now?: () => number
}

const OPTION_KEYS = [
  'store',
  'subject',
  'anonymous',
  'checkInterval',
  'timeout',
  'onUnavailable',
  'entries',
  'maxAge',
  'now',
]

/** @internal The options, checked. */
export interface Settings<Data extends object> extends CheckConfig {
  readonly subject: ((session: Session<Data, never>) => unknown) | undefined
  /** `anonymous: 'skip'`. */
  readonly skip: boolean
  /** 0 when not given. */
  readonly maxAgeMs: number
}

/** @internal */
export function settingsOf<Data extends object>(options: RevocationOptions<Data>): Settings<Data> {
  if (typeof options !== 'object' || options === null) throw invalid('revocation: options must be an object')
  checkKeys(options, OPTION_KEYS, 'revocation.')
  const { store, subject, onUnavailable = 'refuse', entries = 10_000, now = Date.now } = options
  const { anonymous = subject === undefined ? 'check' : 'skip' } = options
  if (typeof store?.get !== 'function' || typeof store.raise !== 'function') {
    throw invalid('revocation: store must be a RevocationStore ({ get, raise })')
  }
  if (subject !== undefined && typeof subject !== 'function')
    throw invalid('revocation: subject must be a function')
  if (onUnavailable !== 'refuse' && onUnavailable !== 'allow') {
    throw invalid(`revocation: onUnavailable must be 'refuse' or 'allow'; got ${shown(onUnavailable)}`)
  }
  if (anonymous !== 'check' && anonymous !== 'skip')
    throw invalid(`revocation: anonymous must be 'check' or 'skip'; got ${shown(anonymous)}`)
  if (anonymous === 'skip' && subject === undefined)
    throw invalid("revocation: anonymous: 'skip' needs a subject (without one, no session would be checked)")
  if (!Number.isSafeInteger(entries) || entries < 1)
    throw invalid('revocation: entries must be a positive integer')
  if (typeof now !== 'function') throw invalid('revocation: now must be a function')
  return {
    store,
    subject,
    skip: anonymous === 'skip',
    onUnavailable,
    entries,
    // A clock that gives no number reads NaN here: a check then trusts nothing it remembered and
    // reads the store, where Math.floor or a subtraction would throw a TypeError per request.
    now: clockOf(now),
    intervalMs: seconds(options.checkInterval, 30, 'checkInterval', true),
    timeoutMs: seconds(options.timeout, 1, 'timeout', false),
    maxAgeMs: options.maxAge === undefined ? 0 : seconds(options.maxAge, 0, 'maxAge', false),
  }
}

function seconds(value: unknown, fallback: number, name: string, allowZero: boolean): number {
  if (value === undefined) return fallback * 1000
  if (
    typeof value !== 'number' ||
    !(value > 0 || (allowZero && value === 0)) ||
    !(value <= 400 * 24 * 3600)
  ) {
    throw invalid(
      `revocation: ${name} must be seconds${allowZero ? ' from 0' : ' above 0'}; got ${shown(value)}`,
    )
  }
  return value * 1000
}
