#!/usr/bin/env node
// Chromium stores and sends back a session split across cookies: the Node demo with
// SESSION_CHUNKS=4 takes `/grow?bytes=10000` (about 13.5 KB of cookies in 4 cookies), Chromium
// sends all four back, shrinking expires the stale chunks in Chromium's jar, logout clears them
// all; with SESSION_COMPRESS=1 the same session fits one cookie.
//
//   node test/browser/chunking.mjs
//
// Needs /usr/bin/chromium (Debian package `chromium`). Without it this fails when CI=true and
// skips with a reason otherwise.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

if (!existsSync(CHROMIUM)) {
  const reason = `${CHROMIUM} not found (apt-get install chromium)`
  if (process.env.CI === 'true') {
    console.error(`FAIL browser chunking: ${reason}`)
    process.exit(1)
  }
  console.log(`SKIP browser chunking: ${reason}`)
  process.exit(0)
}

const { chromium } = await import('playwright-core')

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Starts the Node demo with `env`; resolves once it answers, with its URL and a stop(). */
async function startDemo(env) {
  const port = await freePort()
  const child = spawn(`${root}node_modules/.bin/tsx`, ['examples/node/server.ts'], {
    cwd: root,
    detached: true, // its own process group, so stop() ends tsx and the node it starts
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SESSION_SECRET: randomBytes(32).toString('base64'),
      ...env,
    },
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await fetch(`${url}/session`)
      return { url, stop }
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        stop()
        throw new Error(`demo did not start:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** `fetch()` from inside the page: Chromium's own cookie jar and network stack. */
function inPage(page, path, method = 'GET') {
  return page.evaluate(
    async ([p, m]) => {
      const res = await fetch(p, { method: m, redirect: 'manual' })
      return { status: res.status, text: await res.text() }
    },
    [path, method],
  )
}

/** Our cookies in Chromium's jar, by name. */
async function sessionCookies(context) {
  const all = await context.cookies()
  return Object.fromEntries(all.filter((c) => /^session(\.\d)?$/.test(c.name)).map((c) => [c.name, c]))
}

async function session(page) {
  const res = await inPage(page, '/session')
  assert.equal(res.status, 200)
  return JSON.parse(res.text)
}

const checks = [
  [
    'a 10,000-byte session is stored across 4 cookies and sent back whole',
    { SESSION_CHUNKS: '4' },
    async ({ context, page, url }) => {
      await page.goto(url)
      const grow = await inPage(page, '/grow?bytes=10000')
      assert.equal(grow.status, 200, grow.text)
      const jar = await sessionCookies(context)
      assert.deepEqual(Object.keys(jar).sort(), ['session', 'session.1', 'session.2', 'session.3'])
      let total = 0
      for (const c of Object.values(jar)) {
        assert.ok(c.name.length + c.value.length <= 4096, `${c.name} is within 4096 bytes`)
        assert.equal(c.httpOnly, true)
        assert.equal(c.sameSite, 'Lax')
        total += c.name.length + 1 + c.value.length
      }
      assert.match(jar.session.value, /^3~e1/)
      assert.ok(total > 13_000, `${total} bytes of cookies`)
      const seen = await session(page)
      assert.equal(seen.isNew, false)
      assert.equal(seen.data.note.length, 10_000)
      // A navigation carries all four cookies too, and the counter keeps counting.
      await page.reload()
      await page.reload()
      assert.equal(Number(await page.textContent('#count')), 3)
      assert.equal((await session(page)).data.note.length, 10_000)
    },
  ],
  [
    'shrinking expires the stale chunk cookies in the browser; logout clears them all',
    { SESSION_CHUNKS: '4' },
    async ({ context, page, url }) => {
      await page.goto(url)
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      assert.equal(Object.keys(await sessionCookies(context)).length, 4)
      assert.equal((await inPage(page, '/grow?bytes=4000')).status, 200)
      assert.deepEqual(Object.keys(await sessionCookies(context)).sort(), ['session', 'session.1'])
      assert.equal((await session(page)).data.note.length, 4000)
      assert.equal((await inPage(page, '/grow?bytes=10')).status, 200)
      assert.deepEqual(Object.keys(await sessionCookies(context)), ['session'])
      assert.equal((await session(page)).data.note.length, 10)
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      assert.equal((await inPage(page, '/logout', 'POST')).status, 0, 'opaque redirect')
      assert.deepEqual(await sessionCookies(context), {})
      assert.equal((await session(page)).isNew, true)
    },
  ],
  [
    'past the cap: 413, nothing written, the previous chunked session stays',
    { SESSION_CHUNKS: '4' },
    async ({ context, page, url }) => {
      await page.goto(url)
      assert.equal((await inPage(page, '/grow?bytes=9000')).status, 200)
      const before = await sessionCookies(context)
      const res = await inPage(page, '/grow?bytes=20000')
      assert.equal(res.status, 413)
      assert.equal(JSON.parse(res.text).error, 'ERR_COOKIE_TOO_LARGE')
      const after = await sessionCookies(context)
      assert.deepEqual(
        Object.values(after).map((c) => c.value),
        Object.values(before).map((c) => c.value),
      )
      assert.equal((await session(page)).data.note.length, 9000)
    },
  ],
  [
    'with compression the same 10,000-byte session fits one cookie',
    { SESSION_CHUNKS: '4', SESSION_COMPRESS: '1' },
    async ({ context, page, url }) => {
      await page.goto(url)
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      const jar = await sessionCookies(context)
      assert.deepEqual(Object.keys(jar), ['session'])
      assert.match(jar.session.value, /^E1/)
      assert.ok(jar.session.value.length < 300)
      assert.equal((await session(page)).data.note.length, 10_000)
    },
  ],
]

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
let failed = 0
try {
  for (const [name, env, fn] of checks) {
    const demo = await startDemo(env)
    const context = await browser.newContext()
    try {
      await fn({ context, page: await context.newPage(), url: demo.url })
      console.log(`ok   ${name}`)
    } catch (error) {
      failed++
      console.log(
        `FAIL ${name}\n  ${String(error?.stack ?? error)
          .split('\n')
          .slice(0, 8)
          .join('\n  ')}`,
      )
    } finally {
      await context.close()
      demo.stop()
    }
  }
} finally {
  await browser.close()
}
console.log(`${checks.length - failed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
