#!/usr/bin/env node
// Every runtime's example, started for real on a free loopback port with the demo's settings in
// its environment (bindings for workerd), then driven over HTTP with a cookie jar: the counter,
// login/logout with the flash message, /session, a tampered cookie and an oversized write. Also
// builds the Worker as `wrangler deploy` would, offline, reports its size, and serves that bundle.
// Prints one line per check and a final `N passed, N failed, N skipped` (an example whose runtime
// is missing is skipped, or fails with CI=true).
//
//   node test/examples.mjs [example ...] [--filter text]
//   examples: node, deno, bun, workerd, workerd-bundle (default: all)
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { targets as browserTargets, missing, startServer, stopAll } from './browser/servers.mjs'

const root = new URL('..', import.meta.url).pathname
const bin = (name) => `${root}node_modules/.bin/${name}`
const ci = process.env.CI === 'true'
// wrangler, offline: no metrics, no request for the Cloudflare location data.
process.env.WRANGLER_SEND_METRICS = 'false'
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

const WORKER_OUT = `${root}.test-build/worker`
const wranglerDev = (script, extra = []) => ({
  // Root wrangler.toml (name, compatibility date) with the demo's settings as --var bindings,
  // as `.dev.vars` or `wrangler secret put` would give them.
  command: ({ PORT, HOST, ...vars }) => [
    bin('wrangler'),
    'dev',
    ...(script ? [script] : []),
    ...extra,
    '--ip',
    HOST,
    '--port',
    PORT,
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ],
  needs: [bin('wrangler'), 'wrangler.toml'],
})

const examples = {
  node: browserTargets.node,
  deno: {
    command: () => [
      bin('deno'),
      'run',
      '--config',
      'examples/deno/deno.json',
      '--allow-net=127.0.0.1',
      '--allow-env=PORT,HOST,SESSION_*',
      'examples/deno/main.ts',
    ],
    needs: [bin('deno'), 'examples/deno/main.ts'],
  },
  bun: browserTargets.bun,
  // `wrangler dev` with nothing else: wrangler.toml's `main` is the example.
  workerd: wranglerDev(undefined),
  // What `wrangler deploy` would upload, served unchanged.
  'workerd-bundle': { ...wranglerDev(`${WORKER_OUT}/worker.js`, ['--no-bundle']), build: buildWorker },
}

const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600' }
const DEADLINE_MS = 4 * 60_000
const STEP_MS = 15_000

/** `wrangler deploy --dry-run --outdir`: the Worker bundle, built offline; reports its size. */
function buildWorker() {
  const sizes = []
  for (const minify of [false, true]) {
    const out = minify ? `${WORKER_OUT}-min` : WORKER_OUT
    const r = spawnSync(
      bin('wrangler'),
      ['deploy', '--dry-run', '--outdir', out, ...(minify ? ['--minify'] : [])],
      { cwd: root, encoding: 'utf8', env: process.env, timeout: 120_000 },
    )
    if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}${r.stderr}`)
    const code = readFileSync(`${out}/worker.js`)
    sizes.push(`${minify ? 'minified' : 'as deployed'} ${code.length} B raw, ${gzipSync(code).length} B gzip`)
  }
  return `Worker bundle (demo + library): ${sizes.join('; ')}`
}

// --- a cookie jar over fetch -----------------------------------------------------------------

class Client {
  jar = new Map()
  constructor(origin) {
    this.origin = origin
  }
  async request(path, init = {}) {
    const headers = new Headers(init.headers)
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (cookie) headers.set('cookie', cookie)
    const response = await fetch(this.origin + path, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(STEP_MS),
    })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim())
      const name = pair.slice(0, pair.indexOf('='))
      const gone = attributes.some(
        (a) =>
          /^max-age=(0|-\d+)$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()),
      )
      if (gone) this.jar.delete(name)
      else this.jar.set(name, pair.slice(name.length + 1))
    }
    return { response, setCookies, body: await response.text() }
  }
  /** GET / and the page's fields. */
  async page() {
    const r = await this.request('/')
    const field = (id) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(r.body)?.[1]
    return {
      ...r,
      count: Number(field('count')),
      user: field('user'),
      flash: field('flash'),
      sid: field('sid'),
    }
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message)
}

/** The checks, in order, each continuing from the state the previous one left. */
const checks = [
  [
    'a first visit counts 1 and sets one session cookie (SESSION_COOKIE name, HttpOnly, private)',
    async (c) => {
      const p = await c.page()
      expect(p.response.status === 200, `status ${p.response.status}`)
      expect(p.count === 1 && p.user === 'nobody' && p.flash === undefined, `page ${p.count}/${p.user}`)
      expect(p.setCookies.length === 1, `Set-Cookie: ${p.setCookies}`)
      expect(p.setCookies[0].startsWith('demo_sid=') && /; HttpOnly/.test(p.setCookies[0]), p.setCookies[0])
      expect(p.response.headers.get('cache-control') === 'private', 'cache-control is not private')
      c.sid = p.sid
    },
  ],
  [
    'the counter increments across requests through the cookie jar',
    async (c) => {
      await c.page()
      const p = await c.page()
      expect(p.count === 3, `count ${p.count}, want 3`)
      expect(p.sid === c.sid, 'the session id changed without a login')
    },
  ],
  [
    '/session is the same session as JSON, with the lifetime SESSION_MAX_AGE set',
    async (c) => {
      const { response, body } = await c.request('/session')
      expect(/json/.test(response.headers.get('content-type')), 'not JSON')
      const s = JSON.parse(body)
      expect(s.id === c.sid && s.isNew === false && s.data.count === 3, body)
      expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt) === 600_000, `lifetime ${body}`)
    },
  ],
  [
    'login changes the session id, keeps the count, and shows the flash exactly once',
    async (c) => {
      const login = await c.request('/login', { method: 'POST', body: new URLSearchParams({ user: 'ada' }) })
      expect(login.response.status === 303 && login.setCookies.length === 1, `login ${login.response.status}`)
      const p = await c.page()
      expect(p.user === 'ada' && p.flash === 'Welcome, ada!', `after login: ${p.user} / ${p.flash}`)
      expect(p.sid !== c.sid, 'session id unchanged by login')
      expect(p.count === 4, `count ${p.count}, want 4`)
      const again = await c.page()
      expect(again.flash === undefined && again.user === 'ada', 'the flash showed twice')
      c.sid = p.sid
    },
  ],
  [
    'logout expires the cookie; the next visit is a new session counting 1',
    async (c) => {
      const out = await c.request('/logout', { method: 'POST' })
      expect(out.response.status === 303, `logout ${out.response.status}`)
      expect(c.jar.size === 0, `cookie kept after logout: ${out.setCookies}`)
      const p = await c.page()
      expect(p.count === 1 && p.user === 'nobody' && p.sid !== c.sid, `after logout ${p.count}/${p.user}`)
    },
  ],
  [
    'a tampered cookie is no session (200, a fresh session), never an error',
    async (c) => {
      const value = c.jar.get('demo_sid')
      c.jar.set('demo_sid', `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.slice(-1)}`)
      const p = await c.page()
      expect(p.response.status === 200 && p.count === 1, `status ${p.response.status}, count ${p.count}`)
    },
  ],
  [
    'outgrowing the cookie answers 413 ERR_COOKIE_TOO_LARGE and keeps the session as it was',
    async (c) => {
      const big = await c.request('/grow?bytes=5000')
      expect(big.response.status === 413 && big.setCookies.length === 0, `status ${big.response.status}`)
      expect(JSON.parse(big.body).error === 'ERR_COOKIE_TOO_LARGE', big.body)
      const p = await c.page()
      expect(p.count === 2, `count ${p.count}, want 2`)
    },
  ],
]

// --- running ----------------------------------------------------------------------------------

const args = process.argv.slice(2)
const filterAt = args.indexOf('--filter')
const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
const wanted = args.length > 0 ? args : Object.keys(examples)
const counts = { passed: 0, failed: 0, skipped: 0 }
const pass = (name) => {
  counts.passed++
  console.log(`ok   ${name}`)
}
const fail = (name, error) => {
  counts.failed++
  console.log(`FAIL ${name}\n  ${String(error?.message ?? error).replaceAll('\n', '\n  ')}`)
}

const watchdog = setTimeout(() => {
  fail('examples', `exceeded ${DEADLINE_MS / 1000} s; stopping`)
  stopAll().finally(() => process.exit(1))
}, DEADLINE_MS)
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => stopAll().finally(() => process.exit(1)))

for (const name of wanted) {
  const example = examples[name]
  if (!example) throw new Error(`unknown example ${name}; known: ${Object.keys(examples).join(', ')}`)
  const selected = checks.filter(([check]) => !filter || `${name} › ${check}`.includes(filter))
  if (selected.length === 0) continue
  const absent = missing(example)
  if (absent) {
    if (ci) fail(name, `${absent} is missing (CI=true makes this a failure)`)
    else {
      counts.skipped++
      console.log(`skip ${name}: ${absent} is missing (set CI=true to make this a failure)`)
    }
    continue
  }
  if (example.build) {
    try {
      console.log(`     ${example.build()}`)
      pass(`${name} › wrangler deploy --dry-run builds the Worker offline`)
    } catch (error) {
      fail(`${name} › wrangler deploy --dry-run builds the Worker offline`, error)
      continue
    }
  }
  let server
  try {
    server = await startServer(example, SETTINGS)
  } catch (error) {
    fail(`${name} › starts and answers on loopback`, error)
    continue
  }
  const client = new Client(`http://127.0.0.1:${server.port}`)
  for (const [check, fn] of selected) {
    try {
      await fn(client)
      pass(`${name} › ${check}`)
    } catch (error) {
      fail(`${name} › ${check}`, `${error?.message ?? error}\n--- server output ---\n${server.output()}`)
    }
  }
  await server.stop()
  // The secret came from the environment: the demo warns when it has to make one up.
  if (/random development secret/.test(server.output())) {
    fail(`${name} › uses SESSION_SECRET from its environment`, server.output())
  } else pass(`${name} › uses SESSION_SECRET from its environment`)
}

clearTimeout(watchdog)
await stopAll()
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
process.exitCode = counts.failed > 0 ? 1 : 0
