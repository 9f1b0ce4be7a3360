// The cost of device binding (sealed-session/device-bound) through withSession, on Node: a request
// of a bound session (one more AES-GCM open, of the bound cookie) against the same request without
// the feature; a request of a session that never registered (the gate's fixed cost); and the two
// refresh steps: the 403 with a fresh challenge, and the proof's check (one ECDSA verification)
// with the re-sealed session and a new bound cookie. The browser's signing is done once, before
// timing: it is the device's cost, not the server's. crypto.subtle calls are counted too.

import { deviceBound } from '../src/features/device-bound/index.ts'
import { withSession } from '../src/index.ts'
import { device } from '../test/dbsc-client.ts'
import { type Case, countSubtleCalls, measure, nsPerOp, ratio, type TimingOptions } from './harness.ts'

export interface DeviceBoundRow {
  readonly id: string
  readonly label: string
  readonly ns: number
  /** Time over an unbound request's without the feature, median of rounds. */
  readonly ratio: number
  readonly subtleCalls: number
}

const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
const T = Date.UTC(2026, 0, 1)
const REGISTER = '/__session/dbsc/register'
const REFRESH = '/__session/dbsc/refresh'

type Handler = (request: Request) => Promise<Response>

/** The app: `/login` signs in (and binds, when `binding` is given); anything else reads the session. */
function app(binding?: ReturnType<typeof deviceBound>): Handler {
  const options = { secret: SECRET, now: () => T, ...(binding ? { deviceBinding: binding } : {}) }
  return withSession(async (request, session) => {
    if (new URL(request.url).pathname === '/login') {
      session.regenerate()
      session.set('user', 'ada')
      binding?.bind(session)
      return new Response('in')
    }
    return new Response(String(session.get('user') ?? ''))
  }, options) as Handler
}

const req = (path: string, cookie: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Request(`https://localhost${path}`, { method, headers: { cookie, ...headers } })

/** `name=value` pairs of a response's cookies, as a `Cookie` header. */
const cookies = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')

async function expect(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`bench device-bound: ${what} answered ${response.status}`)
  return response
}

export async function deviceBoundSection(timing: TimingOptions): Promise<DeviceBoundRow[]> {
  const plain = app()
  const binding = deviceBound()
  const bound = app(binding)
  const browser = await device()
  const unboundCookie = cookies(await plain(req('/login', '')))
  const login = await bound(req('/login', ''))
  const challenge = /challenge="([^"]+)"/.exec(login.headers.get('secure-session-registration') ?? '')![1]!
  const proof = await browser.proof(challenge, { withKey: true })
  const registered = await expect(
    await bound(req(REGISTER, cookies(login), { 'Secure-Session-Response': proof }, 'POST')),
    200,
    'registration',
  )
  const { session_identifier: id } = (await registered.json()) as { session_identifier: string }
  const boundCookies = cookies(registered)
  const sessionOnly = boundCookies.split('; ').find((c) => c.startsWith('session='))!
  const refreshHeaders = { 'Sec-Secure-Session-Id': id }
  const asked = await expect(await bound(req(REFRESH, sessionOnly, refreshHeaders, 'POST')), 403, 'refresh')
  const c2 = /^"([^"]+)"/.exec(asked.headers.get('secure-session-challenge') ?? '')![1]!
  // With the clock standing still the challenge stays valid, and the request's session cookie
  // (never the re-sealed one) has not used it: each timed refresh does the whole check.
  const answer = { ...refreshHeaders, 'Secure-Session-Response': await browser.proof(c2) }
  const ops: [id: string, label: string, fn: () => Promise<unknown>, status: number][] = [
    ['plain', 'a request, without device binding', () => plain(req('/', unboundCookie)), 200],
    [
      'unregistered',
      'a request of a session that never registered',
      () => bound(req('/', unboundCookie)),
      200,
    ],
    [
      'bound',
      'a request of a bound session (with its bound cookie)',
      () => bound(req('/', boundCookies)),
      200,
    ],
    [
      'challenge',
      'refresh, step 1: 403 with a challenge',
      () => bound(req(REFRESH, sessionOnly, refreshHeaders, 'POST')),
      403,
    ],
    [
      'refresh',
      'refresh, step 2: proof checked, cookies reissued',
      () => bound(req(REFRESH, sessionOnly, answer, 'POST')),
      200,
    ],
  ]
  for (const [name, , fn, status] of ops) await expect((await fn()) as Response, status, name)
  const calls = new Map<string, number>()
  for (const [name, , fn] of ops) calls.set(name, await countSubtleCalls(fn))
  const cases: Case[] = ops.map(([name, , fn]) => ({ id: name, fn }))
  const samples = await measure(cases, timing, ['plain'])
  return ops.map(([name, label]) => ({
    id: name,
    label,
    ns: nsPerOp(samples, name),
    ratio: ratio(samples, name, 'plain'),
    subtleCalls: calls.get(name)!,
  }))
}
