// Device-bound sessions in a real browser: Debian's Chromium with DBSC turned on (software keys),
// against test/browser/dbsc-server.ts over HTTPS with a P-256 certificate made here by the openssl
// CLI and trusted by its SPKI hash (DBSC ignores responses with certificate errors, so
// --ignore-certificate-errors would not do). CDP's Network.enableDeviceBoundSessions reports the
// browser's side: creation, challenge, refresh, termination.
//
// One flow, in steps that depend on each other: login and registration; the bound cookie removed,
// then a protected request that succeeds through a refresh; every cookie copied into a second
// browser context (no DBSC session there), working until the server's clock passes the copied
// bound cookie's expiry, then refused; logout ending the binding. The request trace the server
// saw is printed at the end.
import { spawnSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from './servers.mjs'

/** What Chromium needs for DBSC on Linux: the feature, no refresh quota, software keys. */
export const DBSC_FLAGS = [
  '--enable-features=DeviceBoundSessions:RefreshQuota/false,EnableBoundSessionCredentialsSoftwareKeysForManualTesting',
]

const SERVER = {
  command: () => [`node_modules/.bin/tsx`, 'test/browser/dbsc-server.ts'],
  needs: ['node_modules/.bin/tsx', 'test/browser/dbsc-server.ts'],
  ready: /^listening \d+/m,
}
const BOUND_LIFETIME_MS = 600_000
const WAIT_MS = 10_000

/** A self-signed P-256 certificate for localhost and 127.0.0.1, and its SPKI's SHA-256 in base64. */
function certificate(dir) {
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  const r = spawnSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { encoding: 'utf8' },
  )
  if (r.error || r.status !== 0) throw new Error(`openssl failed: ${r.error?.message ?? r.stderr}`)
  const spki = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' })
  return { key, cert, spki: createHash('sha256').update(spki).digest('base64') }
}

/** Polls `test` until it returns something truthy, or fails after WAIT_MS saying `what`. */
async function waitFor(what, test) {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const value = await test()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The steps, each `[title, fn(state)]`; a step throws to fail. */
const STEPS = [
  [
    'login: the response asks to register, and the browser registers a key',
    async (s) => {
      await s.page.goto(`${s.origin}/login`)
      const created = await waitFor('a DBSC creation event', () =>
        s.events.find((e) => e.creationEventDetails),
      )
      if (!created.succeeded) throw new Error(`creation failed: ${JSON.stringify(created)}`)
      await waitFor('the registration in the trace', () => s.traced('POST /__session/dbsc/register', 200))
      s.id = created.sessionId
      await expectUser(s.page, s.origin, 'ada')
    },
  ],
  [
    'the bound cookie removed, a protected request succeeds through a refresh',
    async (s) => {
      await s.context.clearCookies({ name: 'session-bound' })
      await expectUser(s.page, s.origin, 'ada')
      const refresh = s.events.find((e) => e.refreshEventDetails?.refreshResult === 'Refreshed')
      if (!refresh) throw new Error(`no refresh event: ${JSON.stringify(s.events)}`)
      if (!s.traced('POST /__session/dbsc/refresh', 403) || !s.traced('POST /__session/dbsc/refresh', 200))
        throw new Error('the trace lacks the 403 challenge and the 200 refresh')
    },
  ],
  [
    'a copy of every cookie works from another context only until its bound cookie expires',
    async (s) => {
      const thief = await s.browser.newContext({
        ignoreHTTPSErrors: true,
        extraHTTPHeaders: { 'x-test-client': 'copy' },
      })
      try {
        await thief.addCookies(await s.context.cookies())
        const page = await thief.newPage()
        await expectUser(page, s.origin, 'ada')
        await s.advanceClock(BOUND_LIFETIME_MS)
        await expectUser(page, s.origin, null)
        // Nor can it refresh: it has no key, and a challenge needs the device's signature.
        const asked = await page.request.post(`${s.origin}/__session/dbsc/refresh`, {
          headers: { 'Sec-Secure-Session-Id': s.id },
        })
        if (asked.status() !== 403) throw new Error(`refresh without a proof answered ${asked.status()}`)
        await expectUser(page, s.origin, null)
      } finally {
        await thief.close()
      }
    },
  ],
  [
    'the device itself refreshes past the same moment and stays signed in',
    async (s) => {
      await s.context.clearCookies({ name: 'session-bound' })
      await expectUser(s.page, s.origin, 'ada')
    },
  ],
  [
    'logout ends the binding: the next refresh gets a 4xx and the browser drops its session',
    async (s) => {
      await s.page.goto(`${s.origin}/logout`)
      await expectUser(s.page, s.origin, null)
      await waitFor('a DBSC termination event', () => s.events.find((e) => e.terminationEventDetails))
      const refreshes = s.trace.filter((t) => t.request === 'POST /__session/dbsc/refresh').length
      await expectUser(s.page, s.origin, null)
      if (s.trace.filter((t) => t.request === 'POST /__session/dbsc/refresh').length !== refreshes)
        throw new Error('the browser still refreshes after logout')
    },
  ],
]

/** Moves the server's clock (a request outside the browsers, trusting the test's certificate). */
function advanceClock(port, ca, ms) {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, ca, servername: 'localhost', method: 'POST' }
    const req = request({ ...options, path: `/__test/clock?advance=${ms}` }, (res) => {
      res.resume()
      res.on('end', () =>
        res.statusCode === 204 ? resolve() : reject(new Error(`clock: ${res.statusCode}`)),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

async function expectUser(page, origin, user) {
  const response = await page.goto(`${origin}/me`)
  const body = await response.json()
  if (body.user !== user)
    throw new Error(`/me gave user ${JSON.stringify(body.user)}, expected ${JSON.stringify(user)}`)
}

/**
 * Runs the flow with `chromium` (playwright-core's) at `executablePath` with `flags`; `report`
 * gets (ok, title, detail) per step. Returns false when a prerequisite is missing (openssl).
 */
export async function runDbsc({ chromium, executablePath, flags, stepMs, report, unavailable }) {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-session-dbsc-'))
  let server
  let browser
  try {
    let tls
    try {
      tls = certificate(dir)
    } catch (error) {
      return unavailable('dbsc', error.message)
    }
    server = await startServer(SERVER, { TLS_CERT: tls.cert, TLS_KEY: tls.key })
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...flags, ...DBSC_FLAGS, `--ignore-certificate-errors-spki-list=${tls.spki}`],
    })
    const context = await browser.newContext()
    context.setDefaultTimeout(stepMs)
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    const events = []
    cdp.on('Network.deviceBoundSessionEventOccurred', (event) => events.push(event))
    await cdp.send('Network.enable')
    await cdp.send('Network.enableDeviceBoundSessions', { enable: true })
    const state = {
      browser,
      context,
      page,
      events,
      origin: `https://localhost:${server.port}`,
      get trace() {
        return traceOf(server.output())
      },
      advanceClock: (ms) => advanceClock(server.port, readFileSync(tls.cert), ms),
      traced: (what, status) =>
        traceOf(server.output()).some((t) => t.request === what && t.status === status),
    }
    let failed = false
    for (const [title, step] of STEPS) {
      if (failed) {
        report(false, title, 'not run: an earlier step failed')
        continue
      }
      const t0 = performance.now()
      try {
        await step(state)
        report(true, `${title} (${Math.round(performance.now() - t0)} ms)`)
      } catch (error) {
        failed = true
        report(
          false,
          title,
          `${error?.message ?? error}\n--- server output (tail):\n${server.output().slice(-1500)}`,
        )
      }
    }
    console.log('dbsc request trace, as the server saw it:')
    for (const line of state.trace)
      if (line.request !== 'GET /favicon.ico') console.log(`  ${formatTrace(line)}`)
  } finally {
    await browser?.close().catch(() => {})
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

function traceOf(output) {
  return output
    .split('\n')
    .filter((line) => line.startsWith('trace '))
    .map((line) => JSON.parse(line.slice(6)))
}

function formatTrace(t) {
  const parts = [
    `${t.from.padEnd(6)} ${t.request.padEnd(29)} -> ${t.status}`,
    `cookies [${t.cookies.join(', ')}]`,
  ]
  for (const key of Object.keys(t)) {
    if (key.startsWith('sec') && t[key] !== undefined) parts.push(`${key}: ${t[key]}`)
  }
  if (t['set-cookie'].length > 0) parts.push(`set-cookie [${t['set-cookie'].join(', ')}]`)
  return parts.join(' | ')
}
