// Node only: the legacy readers against the real libraries they replace (cookie-session needs
// node:crypto). Cookies made by the real cookie-session, iron-session and react-router open in the
// "after" app (examples/migrating) and come back upgraded; what the real library refuses
// (tampered, wrong key, expired) the reader refuses too; and test/legacy-vectors.json, the frozen
// cookies the all-runtime suite (test/legacy.test.ts) reads, is still what the libraries make.
//
//   node --import tsx test/legacy-real.mjs           checks; prints `N passed, N failed`
//   node --import tsx test/legacy-real.mjs --write   rewrites test/legacy-vectors.json
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import cookieSessionMiddleware from 'cookie-session'
import { getIronSession } from 'iron-session'
import Keygrip from 'keygrip'
import { createCookieSessionStorage } from 'react-router'
import { app } from '../examples/migrating/after.ts'
import { cookieSessionLogin, ironLogin, reactRouterLogin } from '../examples/migrating/before.mjs'
import { runNamedChecks } from './counting.mjs'

const VECTORS = new URL('./legacy-vectors.json', import.meta.url)
const SECRET = 'migrated-app-secret-0123456789-abcdefghijkl'
const DATA = { user: 'ada', roles: ['admin'], name: 'Zoë \u{1F36A}' }

const CS = { name: 'session', keys: ['new-cookie-session-key', 'old-cookie-session-key'] }
const IRON_NEW = 'new-iron-password-0123456789-abcdefghijklmn'
const IRON_OLD = 'old-iron-password-0123456789-abcdefghijklmn'
const IRON = { cookieName: 'app', password: { 2: IRON_NEW, 1: IRON_OLD }, ttl: 3600 }
const RR = { name: '__session', secrets: ['new-react-router-secret', 'old-react-router-secret'] }
const OLD = { cookieSessionKeys: CS.keys, ironPassword: IRON.password, reactRouterSecrets: RR.secrets }

/** The cookies the real libraries make; cookie-session and react-router's are deterministic. */
async function makeVectors() {
  const madeAt = Date.now()
  const big = { ...DATA, blob: 'x'.repeat(5000) }
  return {
    cookieSession: {
      ...CS,
      data: DATA,
      cookie: await cookieSessionLogin(DATA, CS),
      rotated: await cookieSessionLogin(DATA, { ...CS, keys: [CS.keys[1]] }),
      sha256: await cookieSessionLogin(DATA, { ...CS, keys: keygrip256(CS.keys) }),
    },
    iron: {
      cookieName: IRON.cookieName,
      password: IRON.password,
      ttl: IRON.ttl,
      madeAt,
      data: DATA,
      cookie: await ironLogin(DATA, IRON),
      rotated: await ironLogin(DATA, { ...IRON, password: { 1: IRON_OLD } }),
      forever: await ironLogin(DATA, { ...IRON, ttl: 0 }),
      chunked: await ironLogin(big, { ...IRON, chunk: true }),
      bigData: big,
    },
    reactRouter: {
      ...RR,
      data: DATA,
      flash: { notice: 'Welcome back' },
      cookie: await reactRouterLogin(DATA, { notice: 'Welcome back' }, RR),
      rotated: await reactRouterLogin(DATA, { notice: 'Welcome back' }, { ...RR, secrets: [RR.secrets[1]] }),
    },
  }
}

function keygrip256(keys) {
  // cookie-session accepts a Keygrip instance for another hash.
  return new Keygrip(keys, 'sha256')
}

// --- what the real libraries make of a Cookie header ----------------------------------------

async function realCookieSession(cookie, options) {
  const middleware = cookieSessionMiddleware(options)
  const server = createServer((req, res) => {
    middleware(req, res, () =>
      res.end(JSON.stringify({ isNew: req.session.isNew, data: { ...req.session } })),
    )
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/`, { headers: { cookie } })
    return await response.json()
  } finally {
    server.close()
  }
}

async function realIron(cookie, options) {
  const session = await getIronSession(
    new Request('https://app.test/', { headers: { cookie } }),
    new Headers(),
    options,
  )
  return { ...session }
}

async function realReactRouter(cookie, options) {
  const { getSession } = createCookieSessionStorage({ cookie: options })
  return (await getSession(cookie)).data
}

// --- the after app --------------------------------------------------------------------------

async function visit(handler, cookie) {
  const response = await handler(new Request('https://app.test/', { headers: cookie ? { cookie } : {} }))
  return { body: await response.json(), setCookies: response.headers.getSetCookie() }
}

const pair = (setCookie) => setCookie.split(';')[0]

/** The old cookie comes back as ours, with the old cookie names expired, and reads back the same. */
async function upgrades(cookie, expected, flash, expiredNames, now) {
  const handler = app(SECRET, OLD, now)
  const first = await visit(handler, cookie)
  assertEqual(first.body, { isNew: false, data: expected, notice: flash ?? null }, 'upgraded session')
  const ours = first.setCookies.find((c) => c.startsWith('session=') && !c.includes('Max-Age=0'))
  if (!ours) throw new Error(`no sealed-session cookie in ${first.setCookies.join(' | ')}`)
  const expired = first.setCookies.filter((c) => c.includes('Max-Age=0')).map((c) => c.split('=')[0])
  assertEqual(expired.sort(), [...expiredNames].sort(), 'expired old cookies')
  const next = first.setCookies.filter((c) => !c.includes('Max-Age=0')).map(pair)
  const second = await visit(handler, next.join('; '))
  assertEqual(second.body, { isNew: false, data: expected, notice: null }, 'the re-sealed session')
  assertEqual(second.setCookies, [], 'nothing written on the next request')
}

async function refused(handler, cookie) {
  const { body, setCookies } = await visit(handler, cookie)
  assertEqual(body, { isNew: true, data: {}, notice: null }, 'no session')
  assertEqual(setCookies, [], 'nothing written')
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`)
}

/** One character of the value after `name=` changed (not the last, whose low bits may not count). */
function tamper(cookie, name) {
  return cookie.replace(new RegExp(`(^|; )(${name.replace('.', '\\.')}=.{10})(.)`), (_m, a, b, c) => {
    return `${a}${b}${c === 'A' ? 'B' : 'A'}`
  })
}

// --- checks ---------------------------------------------------------------------------------

const checks = {
  async 'the frozen cookie-session and react-router vectors are still what the real libraries make'() {
    const frozen = JSON.parse(readFileSync(VECTORS, 'utf8'))
    const fresh = await makeVectors()
    assertEqual(fresh.cookieSession, frozen.cookieSession, 'cookie-session vectors')
    assertEqual(fresh.reactRouter, frozen.reactRouter, 'react-router vectors')
  },
  async 'the real iron-session opens the frozen iron vectors (at the time they were made)'() {
    const { iron } = JSON.parse(readFileSync(VECTORS, 'utf8'))
    const realNow = Date.now
    Date.now = () => iron.madeAt
    try {
      const options = { cookieName: iron.cookieName, password: iron.password, ttl: iron.ttl }
      for (const key of ['cookie', 'rotated', 'forever']) {
        assertEqual(await realIron(iron[key], options), iron.data, key)
      }
      assertEqual(await realIron(iron.chunked, options), iron.bigData, 'chunked')
    } finally {
      Date.now = realNow
    }
  },
  async 'cookie-session: a cookie from the real library (current or older key) comes back upgraded'() {
    await upgrades(await cookieSessionLogin(DATA, CS), DATA, undefined, ['session.sig'])
    await upgrades(await cookieSessionLogin(DATA, { ...CS, keys: [CS.keys[1]] }), DATA, undefined, [
      'session.sig',
    ])
  },
  async 'iron-session: a seal from the real library (current or older password) comes back upgraded'() {
    await upgrades(await ironLogin(DATA, IRON), DATA, undefined, ['app'])
    await upgrades(await ironLogin(DATA, { ...IRON, password: { 1: IRON_OLD } }), DATA, undefined, ['app'])
  },
  async 'iron-session: a chunked seal comes back upgraded, every chunk expired'() {
    const big = { user: 'ada', blob: 'x'.repeat(4000) }
    const cookie = await ironLogin(big, { ...IRON, chunk: true })
    if (!cookie.includes('app.1=')) throw new Error(`not chunked: ${cookie.slice(0, 80)}`)
    await upgrades(cookie, big, undefined, ['app.0', 'app.1'])
  },
  async 'react-router: a cookie from the real library comes back upgraded, its flash readable once'() {
    await upgrades(await reactRouterLogin(DATA, { notice: 'hi' }, RR), DATA, 'hi', ['__session'])
    const old = { ...RR, secrets: [RR.secrets[1]] }
    await upgrades(await reactRouterLogin(DATA, {}, old), DATA, undefined, ['__session'])
  },
  async 'cookie-session: what the real library refuses (tampered value or signature, unknown key, no .sig) is refused'() {
    const good = await cookieSessionLogin(DATA, CS)
    const handler = app(SECRET, OLD)
    const bad = [
      tamper(good, 'session'),
      tamper(good, 'session.sig'),
      await cookieSessionLogin(DATA, { ...CS, keys: ['some-other-key'] }),
      good.split('; ')[0],
    ]
    for (const cookie of bad) {
      assertEqual(
        await realCookieSession(cookie, CS),
        { isNew: true, data: {} },
        `real cookie-session on ${cookie}`,
      )
      await refused(handler, cookie)
    }
  },
  async 'iron-session: what the real library refuses (tampered, unknown password, expired) is refused'() {
    const good = await ironLogin(DATA, IRON)
    const handler = app(SECRET, OLD)
    const later = Date.now() + (IRON.ttl + 61) * 1000
    const bad = [
      [tamper(good, 'app'), Date.now()],
      [
        await ironLogin(DATA, { ...IRON, password: { 3: 'a-third-iron-password-0123456789-abcdef' } }),
        Date.now(),
      ],
      [good, later],
    ]
    const realNow = Date.now
    for (const [cookie, at] of bad) {
      Date.now = () => at
      try {
        assertEqual(await realIron(cookie, IRON), {}, `real iron-session on ${cookie}`)
      } finally {
        Date.now = realNow
      }
      await refused(
        app(SECRET, OLD, () => at),
        cookie,
      )
    }
    // Within iron's 60 s skew past the expiry, both still accept it.
    const skewed = Date.now() + (IRON.ttl + 30) * 1000
    Date.now = () => skewed
    try {
      assertEqual(await realIron(good, IRON), DATA, 'real iron-session within the skew')
    } finally {
      Date.now = realNow
    }
    await upgrades(good, DATA, undefined, ['app'], () => skewed)
    void handler
  },
  async 'react-router: what the real library refuses (tampered value or signature, unknown secret) is refused'() {
    const good = await reactRouterLogin(DATA, {}, RR)
    const handler = app(SECRET, OLD)
    const bad = [
      tamper(good, '__session'),
      good.replace(/\.[^.]{5}/, '.AAAAA'),
      await reactRouterLogin(DATA, {}, { ...RR, secrets: ['another-secret'] }),
    ]
    for (const cookie of bad) {
      assertEqual(await realReactRouter(cookie, RR), {}, `real react-router on ${cookie}`)
      await refused(handler, cookie)
    }
  },
}

if (process.argv.includes('--write')) {
  writeFileSync(VECTORS, `${JSON.stringify(await makeVectors(), null, 2)}\n`)
  console.log(`wrote ${VECTORS.pathname}`)
} else {
  await runNamedChecks(checks)
}
