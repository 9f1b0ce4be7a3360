// Device-bound endpoints under bad input: every case gets a 4xx with an empty body and no cookie,
// and nothing is sealed (never a 500, never a session). Then the token, proof and header parsers
// on their own: what they accept and every way they refuse.
import {
  challengeHeader,
  readString,
  registrationHeader,
  skippedFor,
} from '../src/features/device-bound/headers.ts'
import { parseProof, verifyProof } from '../src/features/device-bound/jwt.ts'
import { tokensOf } from '../src/features/device-bound/tokens.ts'
import { challengeIn, device, gateFor, loginOf, post, storeWith, view } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { bytes, clock, OLD_SECRET, OTHER_SECRET, SECRET } from './helpers.ts'

const REGISTER = '/__session/dbsc/register'
const REFRESH = '/__session/dbsc/refresh'
const SID = 'AAAAAAAAAAAAAAAA'
const b64 = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** A gate, a device, a registration challenge for session SID, and a bound entry for refreshes. */
async function fixture() {
  const time = clock()
  const g = gateFor({})
  const browser = await device()
  const now = time.now()
  const registration = (await loginOf(g, SID, now)).challenge
  const entry = { k: { x: browser.jwk.x, y: browser.jwk.y }, b: 'BBBBBBBBBBBBBBBB', t: 0 }
  const first = await g.gate.route!(
    post(REFRESH, { 'Sec-Secure-Session-Id': entry.b }),
    storeWith(view(SID), entry, now).store,
  )
  const refresh = challengeIn(first!.headers.get('secure-session-challenge'))
  return { ...g, time, browser, registration, refresh, entry }
}

type Fixture = Awaited<ReturnType<typeof fixture>>

/** Asserts a refusal with `status` (or any 4xx) that carries no body, no cookie, and sealed nothing. */
async function refused(
  f: Fixture,
  path: string,
  headers: Record<string, string>,
  store: ReturnType<typeof storeWith>,
  status?: number,
) {
  const response = (await f.gate.route!(post(path, headers), store.store))!
  const what = `${path} ${JSON.stringify(headers).slice(0, 120)}`
  if (status !== undefined) equal(response.status, status, what)
  else ok(response.status >= 400 && response.status < 500, `${what}: ${response.status}`)
  equal(response.headers.getSetCookie().length, 0, what)
  equal(await response.text(), '', what)
  equal(store.sealed.length, 0, what)
}

const reg = (jwt: string) => ({ 'Secure-Session-Response': jwt })
const ref = (f: Fixture, jwt?: string) => ({
  'Sec-Secure-Session-Id': f.entry.b,
  ...(jwt === undefined ? {} : { 'Secure-Session-Response': jwt }),
})

describe('device-bound › bad input', () => {
  test('malformed registration proofs get 400', async () => {
    const f = await fixture()
    const good = await f.browser.proof(f.registration, { withKey: true })
    const [h, p, s] = good.split('.') as [string, string, string]
    for (const jwt of [
      '',
      'not-a-jwt',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}`,
      `${b64('[1]')}.${p}.${s}`,
      `${b64('{"alg":')}.${p}.${s}`,
      `${h}.${b64('"just a string"')}.${s}`,
      `${h}.${b64('{"jti":42}')}.${s}`,
      `${h}.${p}.${s}`.replace(/^./, '%'),
      `"${good}`,
      `${good}x`.repeat(8),
    ]) {
      await refused(f, REGISTER, reg(jwt), storeWith(view(SID), undefined, f.time.now()), 400)
    }
    await refused(f, REGISTER, {}, storeWith(view(SID), undefined, f.time.now()), 400)
  })

  test('a wrong algorithm or type, or a key that is not a public P-256 JWK, gets 400', async () => {
    const f = await fixture()
    const jwk = f.browser.jwk
    const cases = [
      { header: { alg: 'none' } },
      { header: { alg: 'HS256' } },
      { header: { alg: 'RS256' } },
      { header: { alg: 'ES384' } },
      { header: { typ: 'JWT' } },
      { header: { jwk: { ...jwk, crv: 'P-384' } } },
      { header: { jwk: { ...jwk, kty: 'RSA' } } },
      { header: { jwk: { ...jwk, d: jwk.x } } },
      { header: { jwk: { ...jwk, x: jwk.x!.slice(0, -1) } } },
      { header: { jwk: { ...jwk, y: jwk.x } } }, // a point off the curve
      { header: { jwk: 'key' } },
      { payload: { authorization: 'never asked for' } },
    ]
    for (const options of cases) {
      const jwt = await f.browser.proof(f.registration, { withKey: true, ...options })
      await refused(f, REGISTER, reg(jwt), storeWith(view(SID), undefined, f.time.now()), 400)
    }
    await refused(
      f,
      REGISTER,
      reg(await f.browser.proof(f.registration)),
      storeWith(view(SID), undefined, f.time.now()),
      400,
    )
  })

  test('a signature by another key, at registration or refresh, gets 400', async () => {
    const f = await fixture()
    const other = await device()
    const forged = await f.browser.proof(f.registration, { withKey: true, signer: other.privateKey })
    await refused(f, REGISTER, reg(forged), storeWith(view(SID), undefined, f.time.now()), 400)
    const theirs = await other.proof(f.refresh)
    await refused(f, REFRESH, ref(f, theirs), storeWith(view(SID), f.entry, f.time.now()), 400)
  })

  test('an expired, foreign or misused challenge is refused', async () => {
    const f = await fixture()
    const proof = (jti: string) => f.browser.proof(jti, { withKey: true })
    const other = gateFor({})
    const session = view(SID)
    other.binding.bind(session)
    await refused(
      f,
      REGISTER,
      reg(await proof(f.refresh)),
      storeWith(view(SID), undefined, f.time.now()),
      403,
    )
    await refused(
      f,
      REGISTER,
      reg(await proof('d1AAAA.AAAA')),
      storeWith(view(SID), undefined, f.time.now()),
      403,
    )
    await refused(
      f,
      REGISTER,
      reg(await proof(f.registration)),
      storeWith(view('another-session'), undefined, f.time.now()),
      403,
    )
    f.time.advance(120_000)
    await refused(
      f,
      REGISTER,
      reg(await proof(f.registration)),
      storeWith(view(SID), undefined, f.time.now()),
      403,
    )
  })

  test('registration with no session, a new one, or one already bound is refused', async () => {
    const f = await fixture()
    const jwt = await f.browser.proof(f.registration, { withKey: true })
    await refused(f, REGISTER, reg(jwt), storeWith(undefined, undefined, f.time.now()), 401)
    await refused(f, REGISTER, reg(jwt), storeWith(view(SID, true), undefined, f.time.now()), 401)
    await refused(f, REGISTER, reg(jwt), storeWith(view(SID), f.entry, f.time.now()), 409)
  })

  test('a body, or a huge header, is refused unread', async () => {
    const f = await fixture()
    const jwt = await f.browser.proof(f.registration, { withKey: true })
    await refused(
      f,
      REGISTER,
      { ...reg(jwt), 'Content-Length': '10485760' },
      storeWith(view(SID), undefined, f.time.now()),
      413,
    )
    await refused(
      f,
      REFRESH,
      { ...ref(f), 'Content-Length': '1' },
      storeWith(view(SID), f.entry, f.time.now()),
      413,
    )
    await refused(f, REGISTER, reg('a'.repeat(100_000)), storeWith(view(SID), undefined, f.time.now()), 400)
    await refused(
      f,
      REFRESH,
      { 'Sec-Secure-Session-Id': 'b'.repeat(100_000) },
      storeWith(view(SID), f.entry, f.time.now()),
      400,
    )
  })

  test('refresh: a jwk in the header, a missing id, or an unknown, revoked or other session', async () => {
    const f = await fixture()
    const withKey = await f.browser.proof(f.refresh, { withKey: true })
    await refused(f, REFRESH, ref(f, withKey), storeWith(view(SID), f.entry, f.time.now()), 400)
    await refused(
      f,
      REFRESH,
      { 'Secure-Session-Response': withKey },
      storeWith(view(SID), f.entry, f.time.now()),
      400,
    )
    const proof = await f.browser.proof(f.refresh)
    // Unknown or revoked: the store opens no session (revocation is one of the gates it runs).
    await refused(f, REFRESH, ref(f, proof), storeWith(undefined, undefined, f.time.now()), 401)
    await refused(f, REFRESH, ref(f, proof), storeWith(view(SID), undefined, f.time.now()), 401)
    await refused(
      f,
      REFRESH,
      { ...ref(f, proof), 'Sec-Secure-Session-Id': 'CCCCCCCCCCCCCCCC' },
      storeWith(view(SID), f.entry, f.time.now()),
      401,
    )
    await refused(f, REFRESH, ref(f, proof), storeWith(view(SID), { b: f.entry.b }, f.time.now()), 401)
  })

  test('refresh: an expired or replayed challenge gets 403 with a fresh one and nothing else', async () => {
    const f = await fixture()
    const proof = await f.browser.proof(f.refresh)
    const used = storeWith(view(SID), { ...f.entry, t: Number.MAX_SAFE_INTEGER - 1 }, f.time.now())
    const replay = (await f.gate.route!(post(REFRESH, ref(f, proof)), used.store))!
    equal(replay.status, 403)
    ok(challengeIn(replay.headers.get('secure-session-challenge')) !== f.refresh)
    equal(used.sealed.length, 0)
    f.time.advance(120_000)
    const late = storeWith(view(SID), f.entry, f.time.now())
    equal((await f.gate.route!(post(REFRESH, ref(f, proof)), late.store))!.status, 403)
    equal(late.sealed.length, 0)
  })

  test('one character changed anywhere in a valid proof never refreshes, and never throws', async () => {
    const f = await fixture()
    const proof = await f.browser.proof(f.refresh)
    for (let i = 0; i < proof.length; i++) {
      const c = proof[i] === 'A' ? 'B' : 'A'
      const store = storeWith(view(SID), f.entry, f.time.now())
      const response = (await f.gate.route!(
        post(REFRESH, ref(f, proof.slice(0, i) + c + proof.slice(i + 1))),
        store.store,
      ))!
      ok(response.status === 400 || response.status === 403, `position ${i}: ${response.status}`)
      equal(store.sealed.length, 0)
    }
  })
})

describe('device-bound › parts', () => {
  test('tokens open only for their kind, cookie name and secrets; older secrets still open', async () => {
    const t = clock().now()
    const tokens = tokensOf([bytes(SECRET)], 'session')
    const token = await tokens.seal('bound', 'id', 1000, t)
    deepEqual(await tokens.open('bound', token, t), { subject: 'id', expiresAt: t + 1000, issuedAt: t })
    equal(await tokens.open('refresh', token, t), undefined)
    equal(await tokensOf([bytes(SECRET)], 'other').open('bound', token, t), undefined)
    equal(await tokensOf([bytes(OTHER_SECRET)], 'session').open('bound', token, t), undefined)
    ok(await tokensOf([bytes(OLD_SECRET), bytes(SECRET)], 'session').open('bound', token, t))
    for (const bad of [
      '',
      token.slice(0, -1),
      `${token}A`,
      token.replace('d1', 't1'),
      'd1'.padEnd(300, 'A'),
    ]) {
      equal(await tokens.open('bound', bad, t), undefined)
    }
    ok(await tokens.open('bound', token, t + 999))
    equal(await tokens.open('bound', token, t + 1000), undefined)
    equal(await tokens.open('bound', token, Number.NaN), undefined)
  })

  test('parseProof names the failure; verifyProof checks the key', async () => {
    const browser = await device()
    const proof = parseProof(await browser.proof('c', { withKey: true }))
    ok(typeof proof === 'object')
    equal(proof.jti, 'c')
    equal(await verifyProof(proof, proof.jwk!), true)
    const other = await device()
    equal(await verifyProof(proof, { x: other.jwk.x!, y: other.jwk.y! }), false)
    equal(parseProof(await browser.proof('c', { header: { alg: 'none' } })), 'algorithm')
    equal(parseProof(await browser.proof('c', { header: { jwk: { kty: 'oct' } } })), 'key')
    equal(parseProof(await browser.proof('', {})), 'malformed')
    equal(parseProof(await browser.proof('c', { header: { typ: undefined } })), 'malformed')
  })

  test('headers: the values written, and the shapes read', () => {
    equal(registrationHeader('/r', 'c'), '(ES256);path="/r";challenge="c"')
    equal(challengeHeader('c', 'i'), '"c";id="i"')
    equal(readString('"a.b-c_d"'), 'a.b-c_d')
    equal(readString(' "abc" ;p=1'), 'abc')
    equal(readString('abc;p=1'), 'abc')
    for (const bad of [null, '', '""', '"abc', '"a"b', '"a\\"b"', 'a b', 'a,b', '"é"']) {
      equal(readString(bad), undefined, String(bad))
    }
    equal(skippedFor('unreachable;session_identifier="x", quota_exceeded;session_identifier="y"', 'y'), true)
    equal(skippedFor('server_error;session_identifier="x"', 'y'), false)
    equal(skippedFor('other;session_identifier="y"', 'y'), false)
    equal(skippedFor(`unreachable;session_identifier="y"${' '.repeat(5000)}`, 'y'), false)
  })
})
