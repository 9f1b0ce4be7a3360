/**
 * Device-bound sessions (Device Bound Session Credentials, DBSC): a session bound at login to a
 * key pair the browser keeps on the device, so that a copy of every cookie stops authenticating
 * on any other machine within minutes. No server state: the device's public key is sealed inside
 * the session cookie, and the short-lived bound cookie is a sealed token. Browsers without DBSC
 * carry on with an ordinary session. See docs/device-bound.md for the threat model.
 *
 * @example Workers (or Deno, Bun, Node): the endpoints are served for you
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { deviceBound } from 'sealed-session/device-bound'
 *
 * const binding = deviceBound()
 *
 * export default {
 *   fetch: withSession(
 *     async (request, session) => {
 *       if (new URL(request.url).pathname === '/login' && request.method === 'POST') {
 *         session.regenerate()
 *         session.set('user', 'ada')
 *         binding.bind(session) // the response asks the browser to register a key
 *         return Response.redirect(new URL('/', request.url), 303)
 *       }
 *       return new Response(session.get('user') ? 'hello' : 'who are you?')
 *     },
 *     (request, env) => ({ secret: env.SESSION_SECRET, deviceBinding: binding }),
 *   ),
 * }
 * ```
 *
 * @example Hono
 * ```ts
 * import { Hono } from 'hono'
 * import { session } from 'sealed-session/hono'
 * import { deviceBound } from 'sealed-session/device-bound'
 *
 * const binding = deviceBound({ lifetime: 10 * 60 })
 * const app = new Hono()
 * app.use(session({ secret: process.env.SESSION_SECRET!, deviceBinding: binding }))
 * app.post('/login', (c) => {
 *   c.var.session.regenerate()
 *   c.var.session.set('user', 'ada')
 *   binding.bind(c.var.session)
 *   return c.redirect('/')
 * })
 * ```
 *
 * @module sealed-session/device-bound
 */

import { configError, SessionCommittedError, shown } from '../../core/errors.ts'
import {
  type Admission,
  type CommitExtras,
  type Committing,
  EXTENSION,
  type Gate,
  type GateInstance,
  type GateSetup,
  type GateStore,
  type Verdict,
} from '../../core/extensions.ts'
import { gateRunner } from '../../core/gates.ts'
import { handleOf, Session } from '../../core/session.ts'
import { bindingOf, type Context, hasBoundCookie, NAME } from './binding.ts'
import { refresh, register } from './endpoints.ts'
import { registrationHeader, skippedFor } from './headers.ts'
import { tokensOf } from './tokens.ts'

/** Options of {@link deviceBound}. */
export interface DeviceBoundOptions {
  /**
   * Path of the registration endpoint, which the browser POSTs its new key to.
   * @default '/__session/dbsc/register'
   */
  readonly registerPath?: string
  /**
   * Path of the refresh endpoint, which the browser POSTs its proofs to.
   * @default '/__session/dbsc/refresh'
   */
  readonly refreshPath?: string
  /**
   * Lifetime of the bound cookie in seconds, from 180 to 86,400: how long a copy of every cookie
   * keeps working on another machine, at worst. The browser refreshes it (one signature) about
   * two minutes before it expires, while the site is in use.
   * @default 600 (ten minutes)
   */
  readonly lifetime?: number
  /**
   * Lifetime of a challenge in seconds, from 10 to 600: the window for registering after login,
   * and for answering a refresh challenge.
   * @default 120
   */
  readonly challengeTtl?: number
  /**
   * What a request of a bound session gets when it comes without a valid bound cookie but with a
   * `Secure-Session-Skipped` header naming its binding (the browser could not refresh).
   * `strict`: no session (`onInvalid` hears `unbound`). `lenient`: the session, read-only (nothing
   * it carries is sealed again). The header comes from the client: in lenient mode a copy of the
   * session cookie, sent with that header, reads the session on any machine until the session
   * itself expires. See docs/device-bound.md.
   * @default 'strict'
   */
  readonly mode?: 'strict' | 'lenient'
  /**
   * Name of the bound cookie. It takes the session cookie's attributes (`Path`, `Domain`,
   * `Secure`, `SameSite`...), so a `__Host-` session name makes a `__Host-` bound cookie.
   * @default `${session cookie name}-bound`
   */
  readonly cookieName?: string
}

/**
 * What {@link deviceBound} returns: pass it as the `deviceBinding` option of the session, and call
 * {@link DeviceBinding.bind} at login.
 */
export interface DeviceBinding extends Gate<'device-bound'> {
  /**
   * Asks the browser to bind `session` to a key on its device: the response that commits the
   * session carries a `Secure-Session-Registration` header with a challenge sealed to the
   * session's id, valid for `challengeTtl` seconds. Call it at login, after `regenerate()`. Does
   * nothing for a session already bound (the binding is kept), or in a browser without DBSC (it
   * ignores the header; the session carries on unbound). With `sealed-session/react-router`,
   * pass the session `getSession` gave (or its `sealed`) and commit with `commitHeaders`.
   *
   * @example
   * ```ts
   * session.regenerate()
   * session.set('user', user.id)
   * binding.bind(session)
   * ```
   */
  bind(session: Pick<Session, 'id'>): void
}

const DEFAULTS = {
  registerPath: '/__session/dbsc/register',
  refreshPath: '/__session/dbsc/refresh',
  lifetime: 600,
  challengeTtl: 120,
  mode: 'strict',
} as const

const OPTION_KEYS = ['registerPath', 'refreshPath', 'lifetime', 'challengeTtl', 'mode', 'cookieName'] as const

/**
 * Device binding for sessions: validates `options` now and returns the gate to pass as the
 * `deviceBinding` session option. Its registration and refresh endpoints are answered by
 * `withSession`, `store.handle` and the adapters that can route, before your handler.
 *
 * @example
 * ```ts
 * import { deviceBound } from 'sealed-session/device-bound'
 *
 * const binding = deviceBound({ lifetime: 10 * 60, mode: 'strict' })
 * const handler = withSession(app, { secret: process.env.SESSION_SECRET!, deviceBinding: binding })
 * // at login: binding.bind(session)
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` for an unknown option, a path that is not an
 *   absolute URL path, two equal paths, a lifetime or challenge TTL out of range, or another mode;
 *   `ERR_COOKIE_OPTION` for a cookie name that is not a cookie-name token.
 */
export function deviceBound(options: DeviceBoundOptions = {}): DeviceBinding {
  const resolved = resolve(options)
  const marked = new WeakSet<object>()
  return Object.freeze({
    [EXTENSION]: 'gate' as const,
    name: NAME,
    setup: (store: GateSetup) => instance(store, resolved, marked),
    runner: gateRunner,
    bind(given: Pick<Session, 'id'>): void {
      if (typeof given !== 'object' || given === null) {
        throw configError('ERR_OPTION_INVALID', "bind() takes the request's session")
      }
      // React Router's session (sealed-session/react-router) carries the Session as `sealed`:
      // marking the wrapper would leave the Session the commit sees unbound, silently.
      const { sealed } = given as { sealed?: unknown }
      const session =
        !(given instanceof Session) && typeof sealed === 'object' && sealed !== null ? sealed : given
      marked.add(session)
      // A change like any other: a commit made before (a save()) is not reused without it.
      if (session instanceof Session) {
        const h = handleOf(session)
        if (h.closed) throw new SessionCommittedError('bind()')
        h.version++
      }
    },
  })
}

type Resolved = Required<Omit<DeviceBoundOptions, 'cookieName'>> & Pick<DeviceBoundOptions, 'cookieName'>

function resolve(options: DeviceBoundOptions): Resolved {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object')
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw invalid(`unknown option \`${key}\`; known: ${OPTION_KEYS.join(', ')}`)
    }
  }
  const resolved = { ...DEFAULTS, ...options }
  const { registerPath, refreshPath, lifetime, challengeTtl, mode, cookieName } = resolved
  for (const [name, path] of [
    ['registerPath', registerPath],
    ['refreshPath', refreshPath],
  ] as const) {
    // Written into a structured header and JSON as is: only characters that need no escaping.
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9\-._~/]*$/.test(path)) {
      throw invalid(`\`${name}\` must be an absolute path of URL-safe characters, e.g. "/auth/dbsc"`)
    }
  }
  if (registerPath === refreshPath) throw invalid('`registerPath` and `refreshPath` must differ')
  range('lifetime', lifetime, 180, 86_400)
  range('challengeTtl', challengeTtl, 10, 600)
  if (mode !== 'strict' && mode !== 'lenient') throw invalid('`mode` must be "strict" or "lenient"')
  if (
    cookieName !== undefined &&
    (typeof cookieName !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName))
  ) {
    throw configError(
      'ERR_COOKIE_OPTION',
      '`cookieName` must be a cookie-name token (RFC 6265bis section 4.1.1)',
    )
  }
  return resolved
}

/** The lifetime floor: a browser refreshes when under about 2 minutes remain, so less would refresh on every request. */
function range(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw invalid(`\`${name}\` must be seconds from ${min} to ${max}; got ${shown(value)}`)
  }
}

function invalid(message: string) {
  return configError('ERR_OPTION_INVALID', `deviceBound(): ${message}`)
}

function instance(store: GateSetup, options: Resolved, marked: WeakSet<object>): GateInstance {
  const cookie = options.cookieName ?? `${store.cookieName}-bound`
  // Not the session's name, nor one of its chunk names (`name.1` to `name.9`).
  const chunk =
    cookie.startsWith(`${store.cookieName}.`) && /^[1-9]$/.test(cookie.slice(store.cookieName.length + 1))
  if (cookie === store.cookieName || chunk) {
    throw configError(
      'ERR_COOKIE_OPTION',
      "deviceBound(): `cookieName` must differ from the session cookie's and its chunks' (name.1 to name.9)",
    )
  }
  const context: Context = {
    tokens: tokensOf(store.secrets, store.cookieName),
    cookie,
    registerPath: options.registerPath,
    refreshPath: options.refreshPath,
    lifetimeMs: options.lifetime * 1000,
    challengeMs: options.challengeTtl * 1000,
  }
  const lenient = options.mode === 'lenient'
  return {
    admit: (entry) => admit(context, entry, lenient),
    committing: (entry) => committing(context, entry, marked),
    route(request: Request, gateStore: GateStore) {
      if (request.method !== 'POST') return undefined
      const { pathname } = new URL(request.url)
      if (pathname === context.registerPath) return register(request, gateStore, context)
      if (pathname === context.refreshPath) return refresh(request, gateStore, context)
      return undefined
    },
  }
}

/**
 * A session that never registered passes; a bound one needs its bound cookie. Without it, it is
 * no session (`unbound`), or in lenient mode a read-only one when the browser said it skipped.
 */
async function admit(context: Context, entry: Admission, lenient: boolean): Promise<Verdict> {
  const binding = bindingOf(entry.state[NAME])
  if (binding === undefined) return undefined
  if (binding === null) return 'unbound'
  if (await hasBoundCookie(context, entry.header, binding.b, entry.now)) return undefined
  const skipped = entry.request?.headers.get('secure-session-skipped') ?? null
  return lenient && skippedFor(skipped, binding.b) ? 'unchecked' : 'unbound'
}

/**
 * `destroy()` ends the binding: its entry is gone with the rest of the state, and the bound
 * cookie is expired, also when the request went on to start a new session (the browser's own
 * DBSC session ends at its next refresh, which finds no binding). `bind()` adds the registration
 * header, unless the session is bound already.
 */
async function committing(
  context: Context,
  entry: Committing,
  marked: WeakSet<object>,
): Promise<CommitExtras | undefined> {
  const expire = entry.cut ? [{ name: context.cookie, value: '', maxAge: 0 }] : []
  if (entry.destroyed) {
    delete entry.state[NAME]
    return { cookies: expire }
  }
  if (!marked.has(entry.session) || entry.state[NAME] !== undefined) {
    return expire.length > 0 ? { cookies: expire } : undefined
  }
  const challenge = await context.tokens.seal('register', entry.session.id, context.challengeMs, entry.now)
  const header = ['Secure-Session-Registration', registrationHeader(context.registerPath, challenge)] as const
  return { headers: [header], cookies: expire }
}
