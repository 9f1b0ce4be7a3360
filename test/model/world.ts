// The real side of the model-based store test: the library through its public API only (a store
// per cookie name, or withSession with an options function), a browser cookie jar, a clock, a
// revocation store that can be switched off, the old library's cookie, and device binding with a
// DBSC browser (binding.ts). It knows nothing of the reference model: a request returns a
// transcript of what the app saw and what was written.

import {
  createSessionStore,
  type Session,
  type SessionOptions,
  type SessionStore,
  withSession,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { type DeviceBinding, deviceBound } from 'sealed-session/device-bound'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { memoryStore, type Revocation, type RevocationStore, revocation } from 'sealed-session/revocation'
import { T0 } from '../helpers.ts'
import vectors from '../legacy-vectors.json' with { type: 'json' }
import { BrowserDbsc, boundName, type EndpointResult, pathsOf, registrationsIn } from './binding.ts'
import { BrowserJar, parseSetCookie } from './browser-jar.ts'

/** One configuration of the matrix. */
export interface Config {
  readonly revocation: boolean
  readonly legacy: boolean
  readonly chunking: boolean
  /** Two stores with different cookie names on the same requests. */
  readonly named: boolean
  /** withSession with `(request) => options` instead of createSessionStore with static options. */
  readonly optionsFn: boolean
  /** deviceBound() on every store, its endpoints at paths of their own per cookie name. */
  readonly deviceBound: boolean
}

/** Every request goes here; the old library's cookie lives on a longer Path, ours on `/`. */
export const REQUEST_PATH = '/app/page'
export const LEGACY_PATH = '/app'
/** Our cookie names: the first is also the old library's cookie name (cookie-session's default). */
export const NAMES = ['session', 'app2'] as const
/** Seconds. Short enough for the clock steps to cross them. */
export const MAX_AGE = 24 * 3600
export const IDLE = 3 * 3600
export const SKEW = 60
/** A cookie-session cookie the real library wrote (test/legacy-real.mjs froze it), user `ada`. */
export const LEGACY = vectors.cookieSession

/** What the app does to one session within a request. */
export type Op =
  | { readonly kind: 'set'; readonly store: number; readonly key: string; readonly value: string | number }
  | { readonly kind: 'flash'; readonly store: number; readonly key: string; readonly value: string }
  | { readonly kind: 'readFlash'; readonly store: number; readonly key: string }
  | { readonly kind: 'destroy' | 'regenerate' | 'revoke' | 'bind'; readonly store: number }
  | {
      readonly kind: 'setLifetime'
      readonly store: number
      readonly lifetime: { persistent: boolean; maxAge: number; idleTimeout: number }
    }

/** What one store's session looked like and wrote in one request. */
export interface StoreTranscript {
  readonly isNew: boolean
  readonly data: Record<string, unknown>
  /** Per op of the request: what `flash(key)` returned, or the id `revoke()` revoked (`null`: skipped). */
  readonly results: unknown[]
  /** This store's `Set-Cookie` lines. */
  readonly lines: string[]
  /** A second `commit()` straight after the first (static options only). */
  readonly again: string[] | undefined
  /** The session id after the commit. */
  readonly id: string
  /** The challenge of the `Secure-Session-Registration` the response carried for this store. */
  readonly registration: string | undefined
  /** What `onInvalid` heard for this store in the request. */
  readonly reasons: readonly string[]
}

/**
 * `store.commit()` returns `Set-Cookie` lines, or (after the core's redesign) a record with a
 * `setCookie` field: this test reads either.
 */
export function setCookieLines(result: unknown): string[] {
  if (Array.isArray(result)) return result as string[]
  const lines = (result as { setCookie?: unknown } | null)?.setCookie
  if (Array.isArray(lines)) return lines as string[]
  throw new Error(`commit() returned neither string[] nor { setCookie: string[] }: ${String(result)}`)
}

/** A revocation store that fails every call while `down()` is true: a store that is unreachable. */
function switchable(inner: RevocationStore, down: () => boolean): RevocationStore {
  const refuse = () => Promise.reject(new Error('revocation store unreachable'))
  return {
    get: (keys) => (down() ? refuse() : inner.get(keys)),
    raise: (key, value, ttl) => (down() ? refuse() : inner.raise(key, value, ttl)),
  }
}

type AppData = Record<string, string | number>
type AnySession = Session<AppData>

interface Serving {
  readonly ops: readonly Op[]
  sessions: AnySession[]
  views: View[]
  results: unknown[]
}

export class World {
  readonly cfg: Config
  readonly jar = new BrowserJar()
  readonly names: readonly string[]
  now = T0
  down = false
  revoker: Revocation | undefined
  /** Per store: its device binding, and the DBSC browser's side of it. */
  readonly bindings: readonly DeviceBinding[]
  readonly dbsc = new BrowserDbsc()
  #reasons: string[][] = []
  #secrets = [secretOf(0)]
  readonly #clock = () => this.now
  /**
   * The old library's reader. With static options it is told the old cookie's path; with an
   * options function it is not (the default, `/`), as when an app forgets it: the upgrade and
   * logout must then find the cookie on the request's path.
   */
  readonly #legacy: ReturnType<typeof cookieSession>[]
  #stores: SessionStore<AppData>[] = []
  readonly #revocationStore: RevocationStore
  readonly #handler: ((request: Request) => Promise<Response>) | undefined
  /** The request the options-function handler is serving. */
  #serving: Serving | undefined

  constructor(cfg: Config) {
    this.cfg = cfg
    this.names = cfg.named ? NAMES : NAMES.slice(0, 1)
    const path = cfg.optionsFn ? {} : { path: LEGACY_PATH }
    this.#legacy = [cookieSession({ name: LEGACY.name, keys: LEGACY.keys, ...path })]
    this.#revocationStore = switchable(memoryStore({ now: this.#clock }), () => this.down)
    this.revoker = this.#revoker()
    this.bindings = this.names.map((name) => deviceBound(pathsOf(name)))
    this.#handler = cfg.optionsFn ? this.#optionsFunctionHandler() : undefined
    this.#build()
  }

  /**
   * Another server takes the requests (or this one restarts): a revocation() with nothing in its
   * memory, over the same revocation store. What it knows is what the store still keeps.
   */
  restart(): void {
    this.revoker = this.#revoker()
    this.#build()
  }

  #revoker(): Revocation | undefined {
    if (!this.cfg.revocation) return undefined
    const subject = (s: Session<AppData>) => s.get('user') as string | undefined
    return revocation({ store: this.#revocationStore, subject, checkInterval: 0, now: this.#clock })
  }

  /** A deploy with a new secret first: existing cookies still open and are re-sealed with it. */
  rotate(): void {
    this.#secrets = [secretOf(this.#secrets.length), ...this.#secrets]
    this.#build()
  }

  /** Puts the old library's cookie (and its signature) in the browser, on its own Path. */
  plantLegacy(): void {
    for (const pair of LEGACY.cookie.split('; ')) {
      const eq = pair.indexOf('=')
      this.jar.plant(pair.slice(0, eq), pair.slice(eq + 1), LEGACY_PATH)
    }
  }

  /** One request with the browser's cookies (or `header`, an attacker's copy), changed by `ops`. */
  async request(
    ops: readonly Op[],
    header = this.jar.header(REQUEST_PATH, this.now),
  ): Promise<StoreTranscript[]> {
    const request = new Request(
      `http://localhost${REQUEST_PATH}`,
      header ? { headers: { cookie: header } } : {},
    )
    this.#reasons = this.names.map(() => [])
    return this.#handler ? this.#viaHandler(request, ops) : this.#viaStores(request, ops)
  }

  /**
   * A DBSC browser's POST to store `i`'s endpoint, with the cookies of that store the jar holds
   * (only those: another store's implicit re-seal would be a write the model does not expect).
   * The response's cookies reach the jar.
   */
  async endpoint(
    i: number,
    kind: 'register' | 'refresh',
    headers: Record<string, string>,
  ): Promise<Response> {
    const name = this.names[i]!
    const path = pathsOf(name)[kind === 'register' ? 'registerPath' : 'refreshPath']
    const cookie = this.jar
      .sent(path, this.now)
      .filter((c) => ownerOf(`${c.name}=`, this.names) === name)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ')
    const request = new Request(`http://localhost${path}`, {
      method: 'POST',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    })
    this.#reasons = this.names.map(() => [])
    const app = async () => new Response('not an endpoint', { status: 404 })
    const response = this.#handler
      ? await this.#withServing({ ops: [], sessions: [], views: [], results: [] }, () =>
          this.#handler!(request),
        )
      : await this.#stores[i]!.handle(app)(request)
    this.jar.apply(response.headers.getSetCookie(), this.now)
    return response
  }

  /** Registers store `i`'s pending challenge, as a DBSC browser does after the login response. */
  register(i: number, challenge: string): Promise<EndpointResult> {
    return this.dbsc.register(i, challenge, (headers) => this.endpoint(i, 'register', headers))
  }

  /** The DBSC browser's refresh of store `i`'s session `id`: the 403 challenge, then its proof. */
  refresh(i: number, id: string): Promise<EndpointResult> {
    return this.dbsc.refresh(i, id, (headers) => this.endpoint(i, 'refresh', headers))
  }

  async #withServing(serving: Serving, fn: () => Promise<Response>): Promise<Response> {
    this.#serving = serving
    try {
      return await fn()
    } finally {
      this.#serving = undefined
    }
  }

  async #viaStores(request: Request, ops: readonly Op[]): Promise<StoreTranscript[]> {
    const sessions: AnySession[] = []
    for (const store of this.#stores) sessions.push(await store.load(request))
    const views = sessions.map(viewOf)
    const results = await this.#run(ops, sessions)
    const out: StoreTranscript[] = []
    for (const [i, store] of this.#stores.entries()) {
      const session = sessions[i]!
      const commit = await store.commit(session)
      const lines = setCookieLines(commit)
      const again = setCookieLines(await store.commit(session))
      const headers = (commit as { headers?: readonly (readonly [string, string])[] }).headers ?? []
      const values = headers
        .filter(([n]) => n.toLowerCase() === 'secure-session-registration')
        .map(([, v]) => v)
      const registration = registrationsIn(values).get(pathsOf(this.names[i]!).registerPath)
      out.push({
        ...views[i]!,
        results,
        lines,
        again,
        id: session.id,
        registration,
        reasons: this.#reasons[i]!,
      })
    }
    return out
  }

  async #viaHandler(request: Request, ops: readonly Op[]): Promise<StoreTranscript[]> {
    const serving: Serving = { ops, sessions: [], views: [], results: [] }
    const response = await this.#withServing(serving, () => this.#handler!(request))
    const all = response.headers.getSetCookie()
    const registrations = registrationsIn([response.headers.get('secure-session-registration') ?? ''])
    return serving.sessions.map((session, i) => ({
      ...serving.views[i]!,
      results: serving.results,
      lines: all.filter((line) => ownerOf(line, this.names) === this.names[i]),
      again: undefined,
      id: session.id,
      registration: registrations.get(pathsOf(this.names[i]!).registerPath),
      reasons: this.#reasons[i]!,
    }))
  }

  /** withSession per cookie name, nested, with options from a function of the request. */
  #optionsFunctionHandler(): (request: Request) => Promise<Response> {
    const inner = async (sessions: AnySession[]) => {
      const serving = this.#serving!
      serving.sessions = sessions
      serving.views = sessions.map(viewOf)
      serving.results = await this.#run(serving.ops, sessions)
      return new Response('ok')
    }
    let outer: AnySession | undefined
    const second = withSession(
      (_request, session: AnySession) => inner([outer!, session]),
      () => this.#options(NAMES[1]),
    )
    return withSession(
      (request, session: AnySession) => {
        outer = session
        return this.cfg.named ? second(request) : inner([session])
      },
      () => this.#options(NAMES[0]),
    )
  }

  /** Runs `ops` on the request's sessions; returns what each op returned. */
  async #run(ops: readonly Op[], sessions: AnySession[]): Promise<unknown[]> {
    const results: unknown[] = []
    for (const op of ops) results.push(await this.#one(op, sessions[op.store]!))
    return results
  }

  async #one(op: Op, session: AnySession): Promise<unknown> {
    const { store } = op
    switch (op.kind) {
      case 'set':
        return session.set(op.key, op.value)
      case 'flash':
        return session.flash(op.key, op.value)
      case 'readFlash':
        return session.flash(op.key)
      case 'destroy':
        return session.destroy()
      case 'regenerate':
        return session.regenerate()
      case 'bind':
        return this.bindings[store]!.bind(session)
      case 'setLifetime':
        return session.setLifetime(op.lifetime)
      case 'revoke':
        // A revocation while the store is unreachable throws; the model's app does not try.
        if (!this.revoker || this.down) return null
        // With a subject and the default anonymous: 'skip', a session never checked (no subject
        // when loaded) cannot be revoked: that is refused at once rather than silently ignored.
        try {
          await this.revoker.revoke(session)
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_OPTION_INVALID' && session.get('user') === undefined)
            return null
          throw error
        }
        return session.id
    }
  }

  #options(name: string): SessionOptions {
    const i = this.names.indexOf(name)
    return {
      secret: this.#secrets,
      cookie: { name },
      now: this.#clock,
      maxAge: MAX_AGE,
      idleTimeout: IDLE,
      clockSkew: SKEW,
      onInvalid: (reason) => void this.#reasons[i]?.push(reason),
      ...(this.cfg.chunking ? { chunks: chunking(3) } : {}),
      ...(this.cfg.deviceBound ? { deviceBinding: this.bindings[i]! } : {}),
      ...(this.cfg.legacy && name === NAMES[0] ? { legacy: this.#legacy } : {}),
      ...(this.revoker ? { revocation: this.revoker } : {}),
    }
  }

  #build(): void {
    this.#stores = this.names.map((name) => createSessionStore<AppData>(this.#options(name)))
  }
}

interface View {
  readonly isNew: boolean
  readonly data: Record<string, unknown>
}

/** What the app sees of a session just loaded. */
function viewOf(session: AnySession): View {
  return { isNew: session.isNew, data: { ...session.data } }
}

/** Which of our cookie names a Set-Cookie line belongs to (a chunk or the old `.sig` included). */
function ownerOf(line: string, names: readonly string[]): string | undefined {
  const { name } = parseSetCookie(line)
  return names.find((n) => name === n || name.startsWith(`${n}.`) || name === boundName(n))
}

function secretOf(n: number): string {
  return `model-test-secret-${n}-0123456789abcdefghijklmnopqrstuvwxyz`
}
