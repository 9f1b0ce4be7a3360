// The per-session check behind the revocation gate, and what one process remembers between
// checks: when the store last vouched for a session, the reads under way, and the revocations
// this process made or found. Holds no request: what a request knows of its session is a State.

import type { Verdict } from '../../core/extensions.ts'
import { RevocationError, type RevocationStore } from './contract.ts'
import { sessionKey, subjectKey } from './keys.ts'

/** @internal How the checks are configured (validated by `revocation()`). */
export interface CheckConfig {
  readonly store: RevocationStore
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly onUnavailable: 'refuse' | 'allow'
  /** Most entries of each memory. */
  readonly entries: number
  readonly now: () => number
}

/** @internal What one request knows of a session it opened. */
export interface State {
  /** The memory key: id and subject. */
  readonly key: string
  readonly id: string
  readonly subject: string | undefined
  /** When the opened session was issued (ms); -Infinity when unknown. */
  readonly issuedAt: number
  /** The id of the old library's cookie it descends from (sealed in its state), if any. */
  readonly legacy: string | undefined
  readonly skewMs: number
  /** Asked the store in this request (or found revoked): the verdict stands, up to `epoch`. */
  checked: boolean
  verdict: Verdict
  /** The revocation epoch the verdict was reached in: a later revocation here is judged again. */
  epoch: number
  /** Kept by `revokeSubject(subject, { keep })`: judged by its issue time when sealed. */
  kept: boolean
  /** The verdict came from a store read another check had begun, perhaps before this request. */
  joined: boolean
}

/** A store read under way: the values, or `undefined` when the store failed or timed out. */
interface Read {
  /** The revocation epoch it began in: only checks of that epoch may share it. */
  readonly epoch: number
  readonly values: Promise<readonly (number | undefined)[] | undefined>
}

/** Revoked when named, or issued before its subject's moment by more than the clock skew. */
function judge(state: State, issuedAt: number, revokedAt: number | undefined, after: number | undefined) {
  // The skew: a login on a server whose clock runs behind the revoking one's must not die with
  // the rest. An unknown issue time (-Infinity) is before every moment.
  return revokedAt !== undefined || (after !== undefined && issuedAt + state.skewMs < after)
}

/**
 * The id of the old library's cookie `state`'s session was opened from in this request (its
 * issue time unknown), which a revocation of any session upgraded from that cookie names. A
 * session of ours upgraded from it is a session of its own, checked by its own id: another
 * browser's upgrade of the same cookie (the same data, or a stolen copy) is not ended with it.
 */
function oldId(state: State): string | undefined {
  return state.issuedAt === -Infinity ? state.legacy : undefined
}

/**
 * What the store's `values` (for the keys `#read` asked) say of `state`: when its id, or the old
 * cookie's it descends from, was revoked, and its subject's moment.
 */
function found(
  state: State,
  values: readonly (number | undefined)[],
): [number | undefined, number | undefined] {
  const [own, ...rest] = values
  const after = state.subject === undefined ? undefined : rest.shift()
  const old = oldId(state) === undefined ? undefined : rest.shift()
  return [own ?? old, after]
}

/** @internal One process's revocation checks, shared by every store the gate is set up for. */
export class Checks {
  readonly #config: CheckConfig
  /**
   * Counts the revocations made in this process. A check never joins a read that began in an
   * earlier epoch, a read's success is remembered only if no revocation was made meanwhile, and
   * a verdict reached in an earlier epoch is judged again against what this process revoked.
   */
  #epoch = 0
  /** Memory key → when the store last vouched for it (this clock). Oldest first. */
  readonly #checkedAt = new Map<string, number>()
  /** Store reads under way, shared by concurrent checks of one session. */
  readonly #pending = new Map<string, Read>()
  /** What this process revoked itself or found revoked: applied at once, without a read. */
  readonly #revokedIds = new Map<string, number>()
  readonly #validAfter = new Map<string, number>()

  constructor(config: CheckConfig) {
    this.#config = config
  }

  /** The current revocation epoch. */
  get epoch(): number {
    return this.#epoch
  }

  /** Revoked by what this process knows, judged as issued at `issuedAt`. */
  locally(state: State, issuedAt: number): boolean {
    const after = state.subject === undefined ? undefined : this.#validAfter.get(state.subject)
    const old = oldId(state)
    const revokedAt =
      this.#revokedIds.get(state.id) ?? (old === undefined ? undefined : this.#revokedIds.get(old))
    return judge(state, issuedAt, revokedAt, after)
  }

  /** Vouched for by the store within the interval (a clock that steps back does not extend it). */
  trusted(state: State): boolean {
    const last = this.#checkedAt.get(state.key)
    const at = this.#config.now()
    return last !== undefined && at - last < this.#config.intervalMs && at >= last
  }

  /** Forgets the store's last word on `state`'s session: its next check reads. */
  distrust(state: State): void {
    this.#checkedAt.delete(state.key)
  }

  /**
   * A full check: what this process knows, then the store (one read, shared with concurrent
   * checks of the same epoch unless `fresh`), then this process again (a revocation made here
   * while the store was read). Records the verdict in `state`; never rejects.
   */
  async check(state: State, issuedAt: number, fresh: boolean): Promise<Verdict> {
    let verdict: Verdict
    if (this.locally(state, issuedAt)) verdict = 'revoked'
    else {
      const before = this.#pending.get(state.key)
      const read = this.#read(state, fresh)
      state.joined = read === before
      const values = await read.values
      if (this.locally(state, issuedAt)) verdict = 'revoked'
      else if (values === undefined) {
        verdict = this.#config.onUnavailable === 'allow' ? 'unchecked' : 'unverified'
      } else if (judge(state, issuedAt, ...found(state, values))) verdict = 'revoked'
      else if (read.epoch === this.#epoch) this.#remember(this.#checkedAt, state.key, this.#config.now())
    }
    // Found revoked: every later request of it is refused here without a store read.
    if (verdict === 'revoked') this.#remember(this.#revokedIds, state.id, this.#config.now())
    state.verdict = verdict
    state.checked = true
    state.epoch = this.#epoch
    return verdict
  }

  /** Records an id's revocation here (at once) and in the store. */
  revokeId(id: string, at: number, ttlMs: number): Promise<void> {
    this.#epoch++
    this.#remember(this.#revokedIds, id, at)
    return this.#write(sessionKey(id), at, ttlMs)
  }

  /** Records a subject's "valid after" moment here (at once) and in the store. */
  revokeSubject(subject: string, before: number, ttlMs: number): Promise<void> {
    this.#epoch++
    this.#remember(this.#validAfter, subject, Math.max(before, this.#validAfter.get(subject) ?? before))
    return this.#write(subjectKey(subject), before, ttlMs)
  }

  #read(state: State, fresh: boolean): Read {
    const shared = this.#pending.get(state.key)
    if (shared !== undefined && !fresh && shared.epoch === this.#epoch) return shared
    const keys = [sessionKey(state.id)]
    if (state.subject !== undefined) keys.push(subjectKey(state.subject))
    const old = oldId(state)
    if (old !== undefined) keys.push(sessionKey(old))
    const { store } = this.#config
    const read: Read = {
      epoch: this.#epoch,
      values: this.#timed(async () => store.get(await Promise.all(keys))).then(
        (values) => values,
        () => undefined,
      ),
    }
    this.#pending.set(state.key, read)
    void read.values.then(() => {
      if (this.#pending.get(state.key) === read) this.#pending.delete(state.key)
    })
    return read
  }

  async #write(key: string | Promise<string>, value: number, ttlMs: number): Promise<void> {
    const { store } = this.#config
    try {
      await this.#timed(async () => store.raise(await key, value, Math.ceil(ttlMs)))
    } catch (error) {
      throw error instanceof RevocationError
        ? error
        : new RevocationError('revocation store failed', { cause: error })
    }
  }

  /** A store call within the timeout; rejects on failure or timeout. */
  #timed<T>(call: () => Promise<T>): Promise<T> {
    const { timeoutMs } = this.#config
    let timer: ReturnType<typeof setTimeout> | undefined
    return Promise.race([
      new Promise<T>((resolve) => resolve(call())),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RevocationError(`revocation store did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        )
      }),
    ]).finally(() => clearTimeout(timer))
  }

  #remember<K>(map: Map<K, number>, key: K, value: number): void {
    map.delete(key)
    map.set(key, value)
    if (map.size > this.#config.entries) map.delete(map.keys().next().value as K)
  }
}
