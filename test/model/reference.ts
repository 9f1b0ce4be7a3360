// The reference model of the model-based store test: what the browser holds (our session as last
// written, per cookie name), what the app must see when it sends that, and whether what a
// request wrote was allowed. Every failed check throws with a stable id in brackets, so a
// failure names the invariant it broke. Device binding's side of it: binding.ts.

import { T0 } from '../helpers.ts'
import { BindingModel, boundName, registration } from './binding.ts'
import { type BrowserJar, parseSetCookie } from './browser-jar.ts'
import { clone, type Data, Draft, type Flash, type Lifetime, type Start, textOf } from './draft.ts'
import {
  type Config,
  IDLE,
  LEGACY,
  LEGACY_PATH,
  MAX_AGE,
  NAMES,
  type Op,
  REQUEST_PATH,
  SKEW,
  type StoreTranscript,
} from './world.ts'

/** Our session as the browser holds it: what the last write of it sealed. */
export interface Held {
  readonly data: Data
  readonly flash: Flash
  readonly created: number
  readonly touched: number
  /** How many secret rotations had happened when it was sealed. */
  readonly gen: number
  readonly sid: string
  readonly lifetime: Lifetime | undefined
  /** When the browser drops the cookie (its Max-Age); `undefined`: when the browser closes. */
  readonly expires: number | undefined
  /** The binding id sealed with it (device binding), once registered. */
  readonly binding: string | undefined
  /** It descends from the old library's cookie, which its sealed state names. */
  readonly lineage: boolean
}

/** What a request must open: our session, the old library's, or a new one (and why). */
export interface Outcome extends Start {
  readonly kind: 'open' | 'legacy' | 'refused' | 'revoked' | 'unbound' | 'none'
  readonly why: string
  /** Why the store must write although the app changed nothing (a re-seal or an upgrade). */
  readonly implicit: string | undefined
}

/** The browser's cookies at one moment, as an attacker may have copied them. */
interface Snapshot {
  readonly header: string
  readonly held: readonly (Held | undefined)[]
}

/** A check that failed: `id` names the invariant. */
export class ModelViolation extends Error {
  override name = 'ModelViolation'
  readonly id: string

  constructor(id: string, message: string) {
    super(`[${id}] ${message}`)
    this.id = id
  }
}

const [LEGACY_VALUE, LEGACY_SIG] = LEGACY.cookie.split('; ').map((pair) => pair.slice(pair.indexOf('=') + 1))
const LEGACY_USER = LEGACY.data.user

/** Whether a `Cookie` header carries the old library's cookie with its signature. */
export function hasLegacyPair(header: string): boolean {
  const pairs = header.split('; ')
  return (
    pairs.includes(`${LEGACY.name}=${LEGACY_VALUE}`) && pairs.includes(`${LEGACY.name}.sig=${LEGACY_SIG}`)
  )
}

export class Reference {
  readonly cfg: Config
  now = T0
  /** The latest time the clock has shown: it steps back at most within the clock skew. */
  highWater = T0
  gen = 0
  down = false
  readonly held: (Held | undefined)[]
  readonly revokedSids = new Set<string>()
  readonly revokedAt = new Map<string, number>()
  /**
   * A session descending from the old library's cookie (opened from it, or from our cookie it
   * was upgraded to, regenerated or not) was revoked by revoke(): that cookie opens nothing since.
   * Another session upgraded from it (a replayed copy) has an id of its own, and lives on.
   */
  legacyRevoked = false
  readonly snapshots: Snapshot[] = []
  /** Check ids to skip (only for hunting several bugs in one configuration). */
  readonly ignore: ReadonlySet<string>
  readonly binding: BindingModel

  constructor(cfg: Config, ignore: ReadonlySet<string> = new Set()) {
    this.cfg = cfg
    this.held = (cfg.named ? NAMES : NAMES.slice(0, 1)).map(() => undefined)
    this.ignore = ignore
    this.binding = new BindingModel(this.held.length)
  }

  fail(id: string, message: string): void {
    if (!this.ignore.has(id)) throw new ModelViolation(id, message)
  }

  /**
   * What a request carrying `held` (and the old cookie, when `legacy`) must open in store `i`;
   * `header` is the whole `Cookie` header (the bound cookie of a bound session is in it, or not).
   */
  expect(i: number, held: Held | undefined, legacy: boolean, header: string): Outcome[] {
    const none = (kind: Outcome['kind'], why: string): Outcome => ({
      kind,
      why,
      loaded: undefined,
      created: this.now,
      lifetime: undefined,
      binding: undefined,
      lineage: false,
      implicit: undefined,
    })
    if (held !== undefined && this.alive(held)) {
      const revoked = this.revokedWhy(held)
      if (revoked) return [none('revoked', revoked)]
      const unbound = held.binding && this.binding.unbound(NAMES[i]!, held.binding, header, this.now)
      const open: Outcome = unbound
        ? none('unbound', unbound)
        : {
            kind: 'open',
            why: 'our cookie',
            loaded: { data: held.data, flash: held.flash, text: textOf(held.data, held.flash) },
            created: held.created,
            lifetime: held.lifetime,
            binding: held.binding,
            lineage: held.lineage,
            implicit: held.gen < this.gen ? 'a re-seal with the new secret' : this.#renewal(held),
          }
      if (!this.cfg.revocation || !this.down) return [open]
      const refused = none('refused', 'our cookie, but the revocation store is unreachable')
      // A session of nobody may skip the store (nothing can revoke it by subject).
      return held.data.user === undefined ? [refused, open] : [refused]
    }
    const gone = held === undefined ? 'no cookie of ours' : 'our cookie has expired'
    if (i !== 0 || !this.cfg.legacy || !legacy) return [none('none', gone)]
    if (this.cfg.revocation && this.revokedAt.has(LEGACY_USER)) {
      return [
        none('revoked', `${gone}; the old library's cookie of ${LEGACY_USER}, revoked by revokeSubject()`),
      ]
    }
    if (this.cfg.revocation && this.down) {
      return [none('refused', `${gone}; the old library's cookie, but the revocation store is unreachable`)]
    }
    // Revoking any session descended from the old cookie ends that cookie, for as long as a copy
    // of it may come back (it has no expiry of its own).
    if (this.cfg.revocation && this.legacyRevoked) {
      return [none('revoked', `${gone}; the old library's cookie, a session from it revoked by revoke()`)]
    }
    return [
      {
        kind: 'legacy',
        why: `${gone}; the old library's cookie`,
        loaded: { data: clone(LEGACY.data), flash: undefined, text: JSON.stringify(LEGACY.data) },
        created: this.now,
        lifetime: undefined,
        binding: undefined,
        lineage: true,
        implicit: "the upgrade of the old library's cookie",
      },
    ]
  }

  /** Keeps the cookies a request is about to send, for a later replay. */
  remember(header: string): void {
    this.snapshots.push({ header, held: [...this.held] })
    if (this.snapshots.length > 8) this.snapshots.shift()
  }

  snapshot(k: number): Snapshot | undefined {
    return this.snapshots[k % Math.max(1, this.snapshots.length)]
  }

  /** Checks what the app saw when it loaded (and why, for a bound one); returns the outcome that matches. */
  opened(i: number, outcomes: Outcome[], t: Pick<StoreTranscript, 'isNew' | 'data' | 'reasons'>): Outcome {
    const match = outcomes.find(
      (o) => (o.loaded === undefined) === t.isNew && sameData(o.loaded?.data ?? {}, t.data),
    )
    // One outcome is certain: a bound session without its bound cookie is none, said `unbound`.
    const heard = t.reasons.includes('unbound')
    if (match && outcomes.length === 1 && heard !== (match.kind === 'unbound')) {
      this.fail(
        'unbound-reason',
        `${NAMES[i]}: ${match.kind} (${match.why}) but onInvalid heard ${t.reasons}`,
      )
    }
    if (match) return match
    const expected = outcomes.map((o) => `${o.kind} (${o.why}) ${JSON.stringify(o.loaded?.data ?? {})}`)
    // The old library's cookie opened past revocation: revoked by subject, or not checked at all.
    const first = outcomes[0]!
    const legacy = first.why.includes("old library's cookie") && first.kind !== 'legacy'
    const id = !legacy ? 'load' : first.kind === 'revoked' ? 'legacy-revoked' : 'legacy-unverified'
    const saw = JSON.stringify({ isNew: t.isNew, data: t.data })
    this.fail(id, `${NAMES[i]}: the app saw ${saw}; the model expected ${expected.join(' or ')}`)
    return outcomes[0]!
  }

  /** After a request: its ops, what it wrote, and the browser holding the result. */
  settle(
    outcomes: Outcome[][],
    ops: readonly Op[],
    ts: StoreTranscript[],
    header: string,
    jar: BrowserJar,
  ): void {
    for (const [i, t] of ts.entries()) {
      const outcome = this.opened(i, outcomes[i]!, t)
      const draft = new Draft(outcome, this.now)
      for (const [j, op] of ops.entries()) {
        if (op.store !== i) continue
        const expected = draft.apply(op)
        if (op.kind === 'revoke') {
          if (typeof t.results[j] === 'string') {
            this.revokedSids.add(t.results[j] as string)
            // What the request loaded names the old cookie (and had a subject, so was checked).
            if (outcome.lineage && outcome.loaded?.data.user !== undefined) this.legacyRevoked = true
          } else draft.revokedHere = false
        } else if (!Object.is(t.results[j], expected)) {
          this.fail(
            'flash',
            `${NAMES[i]}: flash('${(op as { key: string }).key}') returned ${String(t.results[j])}, expected ${String(expected)}`,
          )
        }
      }
      this.#judge(i, outcome, draft, t, header, jar)
      registration(this, i, draft, t)
    }
  }

  /** Whether store `i` may write what it wrote, and what the browser holds after it. */
  #judge(
    i: number,
    outcome: Outcome,
    draft: Draft,
    t: StoreTranscript,
    header: string,
    jar: BrowserJar,
  ): void {
    const name = NAMES[i]!
    const ours = t.lines.map(parseSetCookie).filter((c) => c.name === name)
    const written = ours.some((c) => !(c.maxAge !== undefined && c.maxAge <= 0))
    const expired = ours.some((c) => c.maxAge !== undefined && c.maxAge <= 0)
    const where = `${name}, ${outcome.kind} (${outcome.why}), wrote ${brief(t.lines)}`
    if (t.again !== undefined && JSON.stringify(t.again) !== JSON.stringify(t.lines)) {
      this.fail('commit-twice', `a second commit() with nothing changed wrote ${brief(t.again)}; ${where}`)
    }
    if (draft.destroyed && written) {
      const id = draft.readAfterDestroy ? 'flash-read-undid-destroy' : 'destroy-wrote'
      this.fail(
        id,
        `destroy()${draft.readAfterDestroy ? ' then a flash read' : ''} wrote a session cookie; ${where}`,
      )
    }
    if (draft.destroyCalled) this.#logoutSticks(i, draft, header, jar)
    // setLifetime() may end a session at once: its absolute lifetime counts from its creation.
    const ended = !(this.now < draft.created + Math.min(draft.lifetime?.maxAge ?? MAX_AGE, MAX_AGE) * 1000)
    if (!draft.destroyCalled && expired && !written && outcome.loaded !== undefined && !ended) {
      this.fail('deleted', `the session cookie was deleted without destroy(); ${where}`)
    }
    // Deleting a stale cookie (an old library's, an expired one) is not a write of the session.
    const setting = t.lines.map(parseSetCookie).some((c) => !(c.maxAge !== undefined && c.maxAge <= 0))
    if (!draft.mutated && outcome.implicit === undefined && setting) {
      this.fail('read-only-wrote', `a read-only request wrote Set-Cookie; ${where}`)
    }
    const must = ended ? undefined : this.#mustWrite(outcome, draft)
    if (must !== undefined && !written) this.fail('not-written', `${must} was not written; ${where}`)
    if (written) {
      this.held[i] = this.#sealed(draft, t.id)
    } else if (expired) this.held[i] = undefined
    if (outcome.kind === 'legacy' && written && hasLegacyPair(jar.header(REQUEST_PATH, this.now))) {
      this.fail('legacy-kept', `the old library's cookie still opens after its upgrade; ${where}`)
    }
  }

  /** After destroy(), nothing the browser sent may still be there to open the session again. */
  #logoutSticks(i: number, draft: Draft, header: string, jar: BrowserJar): void {
    const name = NAMES[i]!
    const after = draft.wroteAfterDestroy
      ? ' and a write after it'
      : draft.readAfterDestroy
        ? ' and a flash read'
        : ''
    const context = `${after}${this.down ? ' (revocation store unreachable)' : ''}`
    const sent = header
      ? header.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])
      : []
    for (const [n, v] of sent) {
      // The bound cookie too: logout ends the binding.
      const ours =
        n === name ||
        n === boundName(name) ||
        (/^\.[1-9]$/.test(n!.slice(name.length)) && n!.startsWith(name))
      if (!ours || (i === 0 && v === LEGACY_VALUE)) continue
      if (jar.all().some((c) => c.name === n && c.value === v)) {
        this.fail(
          'logout-cookie',
          `after destroy()${context} the browser still holds the ${n} cookie it sent`,
        )
      }
    }
    if (i === 0 && this.cfg.legacy && hasLegacyPair(jar.header(REQUEST_PATH, this.now))) {
      this.fail(
        'logout-legacy',
        `after destroy()${context} the old library's cookie on Path=${LEGACY_PATH} still opens`,
      )
    }
  }

  /** Why the store had to write a cookie of ours, if it had to. */
  #mustWrite(outcome: Outcome, draft: Draft): string | undefined {
    // With the revocation store unreachable a store may hold writes back (the browser keeps its cookie).
    if (draft.destroyed || (this.cfg.revocation && this.down)) return undefined
    // A session the app revoked in this very request is not sealed again (it would be refused).
    if (draft.revokedHere) return undefined
    if (draft.textChanged()) return 'a change to the data or flash messages'
    if (draft.renewed && outcome.loaded !== undefined) return 'a new id or lifetime'
    return outcome.implicit
  }

  /** What the browser holds once `draft` is written. */
  #sealed(draft: Draft, sid: string): Held {
    const { data, flash, created, lifetime, binding, lineage } = draft
    const touched = Math.max(this.now, created)
    const { maxAgeMs, idleMs } = this.limits(lifetime)
    const expires =
      lifetime?.persistent === false ? undefined : Math.min(created + maxAgeMs, touched + idleMs)
    const sealed = { data: clone(data), flash: clone(flash), created, touched, gen: this.gen, sid, lifetime }
    return { ...sealed, expires, binding, lineage }
  }

  /** The browser drops cookies past their Max-Age when it next sends cookies, as the jar does. */
  purge(): void {
    for (const [i, held] of this.held.entries()) {
      if (held?.expires !== undefined && !(this.now < held.expires)) this.held[i] = undefined
    }
  }

  limits(lifetime: Lifetime | undefined): { maxAgeMs: number; idleMs: number } {
    const own = lifetime
    return {
      maxAgeMs: Math.min(own?.maxAge ?? MAX_AGE, MAX_AGE) * 1000,
      idleMs: Math.min(own?.idleTimeout ?? IDLE, IDLE) * 1000,
    }
  }

  alive(held: Held): boolean {
    const { maxAgeMs, idleMs } = this.limits(held.lifetime)
    const now = this.now
    return now < held.created + maxAgeMs && now < held.touched + idleMs && held.touched <= now + SKEW * 1000
  }

  /** Rolling renewal: less than half the idle timeout left. */
  #renewal(held: Held): string | undefined {
    const { idleMs } = this.limits(held.lifetime)
    return held.touched + idleMs - this.now < idleMs * 0.5 ? 'a rolling renewal' : undefined
  }

  revokedWhy(held: Held): string | undefined {
    if (!this.cfg.revocation) return undefined
    // With a subject, a session of nobody is not checked (anonymous: 'skip'): revoke() cannot end it.
    if (this.revokedSids.has(held.sid) && held.data.user !== undefined)
      return 'our cookie, its session revoked by revoke()'
    const user = held.data.user
    const at = typeof user === 'string' ? this.revokedAt.get(user) : undefined
    // A session issued within the clock skew before revokeSubject() survives it (docs/revocation.md).
    if (at !== undefined && held.created + SKEW * 1000 < at)
      return `our cookie, ${user} revoked by revokeSubject()`
    return undefined
  }
}

/** Set-Cookie lines with long values shortened, for messages. */
function brief(lines: readonly string[]): string {
  const short = lines.map((line) => line.replace(/=([^;]{24})[^;]+/, (_, head) => `=${head}…`))
  return JSON.stringify(short)
}

function sameData(a: Data, b: Data): boolean {
  const canonical = (d: Data) => JSON.stringify(d, Object.keys(d).sort())
  return canonical(a) === canonical(b)
}
