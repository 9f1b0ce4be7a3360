// Device binding in the model-based store test. The real side: a DBSC browser (one WebCrypto key
// pair per store) that registers the challenge a login response carried and refreshes through
// the 403 challenge. The model's side: which bound cookie the browser holds for which binding
// and until when, the challenge waiting for registration, the DBSC session the browser keeps,
// and what each endpoint must answer.

import { challengeIn, type Device, device } from '../dbsc-client.ts'
import { parseSetCookie } from './browser-jar.ts'
import type { Draft } from './draft.ts'
import type { Held, Reference } from './reference.ts'
import { NAMES, type StoreTranscript } from './world.ts'

/** The bound cookie's lifetime and a challenge's (deviceBound()'s defaults), in ms. */
export const BOUND_MS = 600_000
export const CHALLENGE_MS = 120_000

/** The endpoints of store `name`: paths of their own, so two stores never answer each other's. */
export function pathsOf(name: string): { registerPath: string; refreshPath: string } {
  return { registerPath: `/__session/${name}/register`, refreshPath: `/__session/${name}/refresh` }
}

export function boundName(name: string): string {
  return `${name}-bound`
}

/** The challenges in `Secure-Session-Registration` values, by the endpoint path each names. */
export function registrationsIn(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const value of values) {
    for (const m of value.matchAll(/\(ES256\);path="([^"]+)";challenge="([^"]+)"/g)) out.set(m[1]!, m[2]!)
  }
  return out
}

/** A `Cookie` header without any bound cookie: what a thief copied, less the short-lived part. */
export function withoutBound(header: string): string {
  return header
    .split('; ')
    .filter((pair) => pair && !pair.slice(0, pair.indexOf('=')).endsWith('-bound'))
    .join('; ')
}

/** What an endpoint answered, as the browser saw it (a refresh: both steps). */
export interface EndpointResult {
  readonly statuses: number[]
  /** Every `Set-Cookie` line of every step. */
  readonly lines: string[]
  /** `session_identifier` of a 200. */
  readonly id: string | undefined
}

type Post = (headers: Record<string, string>) => Promise<Response>

/** The browser's side: a key per store, made on first use. */
export class BrowserDbsc {
  readonly #devices = new Map<number, Promise<Device>>()

  #device(i: number): Promise<Device> {
    let d = this.#devices.get(i)
    if (d === undefined) this.#devices.set(i, (d = device()))
    return d
  }

  async register(i: number, challenge: string, post: Post): Promise<EndpointResult> {
    const proof = await (await this.#device(i)).proof(challenge, { withKey: true })
    return result([await post({ 'Secure-Session-Response': proof })])
  }

  async refresh(i: number, id: string, post: Post): Promise<EndpointResult> {
    const first = await post({ 'Sec-Secure-Session-Id': id })
    const challenge = first.headers.get('secure-session-challenge')
    if (first.status !== 403 || challenge === null) return result([first])
    const proof = await (await this.#device(i)).proof(challengeIn(challenge))
    return result([first, await post({ 'Sec-Secure-Session-Id': id, 'Secure-Session-Response': proof })])
  }
}

async function result(responses: Response[]): Promise<EndpointResult> {
  const last = responses.at(-1)!
  const body = await last.text()
  return {
    statuses: responses.map((r) => r.status),
    lines: responses.flatMap((r) => r.headers.getSetCookie()),
    id:
      last.status === 200
        ? (JSON.parse(body) as { session_identifier: string }).session_identifier
        : undefined,
  }
}

/** A login's challenge, waiting for the browser to register it. */
export interface Pending {
  readonly challenge: string
  /** The session id it was sealed to, and when. */
  readonly sid: string
  readonly at: number
}

/** The model's side, per store. */
export class BindingModel {
  /** Every bound cookie value ever written: its binding and when it expires. */
  readonly #bound = new Map<string, { readonly b: string; readonly expiresAt: number }>()
  readonly pending: (Pending | undefined)[]
  /** The browser's DBSC session id per store, until an endpoint's 4xx ends it. */
  readonly dbsc: (string | undefined)[]

  constructor(stores: number) {
    this.pending = Array.from({ length: stores }, () => undefined)
    this.dbsc = Array.from({ length: stores }, () => undefined)
  }

  /** Why session `b` of store `name` is unbound in `header` at `now`; undefined: it has its bound cookie. */
  unbound(name: string, b: string, header: string, now: number): string | undefined {
    let seen = 'no bound cookie'
    for (const pair of header.split('; ')) {
      const eq = pair.indexOf('=')
      if (pair.slice(0, eq) !== boundName(name)) continue
      const known = this.#bound.get(pair.slice(eq + 1))
      if (known?.b === b && now < known.expiresAt) return undefined
      seen = known?.b === b ? 'its bound cookie has expired' : "another binding's bound cookie"
    }
    return `our cookie, bound, but ${seen}`
  }

  /** Records the bound cookie an endpoint wrote for binding `b`; returns whether it wrote one. */
  record(name: string, lines: readonly string[], b: string, now: number): boolean {
    const c = lines.map(parseSetCookie).find((c) => c.name === boundName(name))
    if (c === undefined || c.maxAge !== BOUND_MS / 1000) return false
    this.#bound.set(c.value, { b, expiresAt: now + BOUND_MS })
    return true
  }
}

// --- what the model expects of device binding -----------------------------------------------

/** bind() asks for a registration unless the session ends bound or destroyed; the browser keeps it. */
export function registration(m: Reference, i: number, draft: Draft, t: StoreTranscript): void {
  const wanted = draft.bindCalled && !draft.destroyed && draft.binding === undefined
  if (wanted !== (t.registration !== undefined)) {
    const bound = draft.binding ? `, bound ${draft.binding}` : ''
    const destroyed = draft.destroyed ? ', destroyed' : ''
    m.fail(
      'registration',
      `${NAMES[i]}: bind() ${draft.bindCalled ? 'called' : 'not called'}${destroyed}${bound}; the response ${t.registration ? 'asked' : 'did not ask'} for a registration`,
    )
  }
  if (t.registration !== undefined) m.binding.pending[i] = { challenge: t.registration, sid: t.id, at: m.now }
}

/**
 * What an endpoint finds for `held`: it opens the session through the gates before device
 * binding (revocation), so `'undecided'` while the revocation store is down (a session of nobody
 * may skip the store).
 */
export function atEndpoint(m: Reference, held: Held | undefined): ('open' | 'none' | 'undecided')[] {
  if (held === undefined || !m.alive(held)) return ['none']
  // Revoked: a server that saw the revocation knows it; another (a restart) learns it only from
  // the store, and while that is down it cannot tell (a 503: nothing issued either way).
  if (m.revokedWhy(held)) return m.cfg.revocation && m.down ? ['none', 'undecided'] : ['none']
  if (!m.cfg.revocation || !m.down) return ['open']
  return held.data.user === undefined ? ['undecided', 'open'] : ['undecided']
}

/** The statuses registering `pending` in store `i` may get now. */
export function registerStatuses(m: Reference, i: number, pending: Pending): number[] {
  const held = m.held[i]
  return atEndpoint(m, held).map((at) => {
    if (at === 'undecided') return 503
    if (at === 'none') return 401
    if (!(m.now < pending.at + CHALLENGE_MS) || held!.sid !== pending.sid) return 403
    return held!.binding === undefined ? 200 : 409
  })
}

/** The statuses refreshing DBSC session `id` of store `i` may end with now. */
export function refreshStatuses(m: Reference, i: number, id: string): number[] {
  const held = m.held[i]
  return atEndpoint(m, held).map((at) =>
    at === 'undecided' ? 503 : at === 'open' && held!.binding === id ? 200 : 401,
  )
}

/** What the browser holds once an endpoint re-sealed store `i`'s session with binding `b`. */
export function resealed(m: Reference, i: number, b: string): void {
  const held = m.held[i]!
  const touched = Math.max(m.now, held.created)
  const { maxAgeMs, idleMs } = m.limits(held.lifetime)
  const expires =
    held.lifetime?.persistent === false ? undefined : Math.min(held.created + maxAgeMs, touched + idleMs)
  m.held[i] = { ...held, touched, gen: m.gen, expires, binding: b }
}
