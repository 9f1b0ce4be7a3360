#!/usr/bin/env node
// Each framework's example (examples/<framework>/, with its own package.json and lockfile, installed
// by `.ci/run` with `npm ci --prefix examples/<framework>`), built with the framework's own tools,
// served by its own server on a free loopback port, and driven over HTTP with a cookie jar by the
// demo's checks (test/demo-checks.mjs), plus any checks of its own. The examples depend on this
// package as `file:../..`, so the library is built (dist/) first. Prints one line per check and a
// final `N passed, N failed, N skipped`; a framework whose install is missing is skipped, or fails
// with CI=true.
//
//   node test/frameworks.mjs [framework ...] [--filter text]
import { spawnSync } from 'node:child_process'
import { missing, root, startServer, stopAll } from './browser/servers.mjs'
import { Client, checks, expect } from './demo-checks.mjs'

const ci = process.env.CI === 'true'
const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600' }
const BUILD_MS = 5 * 60_000
const DEADLINE_MS = 20 * 60_000

/**
 * name → { dir, build: argv run in dir, command(settings): argv run in dir, needs, checks? }.
 * `checks` are extra [title, async (client) => {}] pairs run after the demo's, on the same server.
 */
export const frameworks = {
  sveltekit: {
    dir: 'examples/sveltekit',
    // svelte-check first: it type-checks the hook against SvelteKit's own Handle and App.Locals.
    build: ['sh', '-c', 'npm run check && npm run build'],
    // adapter-node's server reads HOST and PORT; ORIGIN is the site's origin, as in production.
    command: ({ HOST, PORT }) => ['env', `ORIGIN=http://${HOST}:${PORT}`, process.execPath, 'build'],
    needs: ['examples/sveltekit/node_modules/@sveltejs/kit/package.json'],
    checks: sveltekitChecks(),
  },
}

const args = process.argv.slice(2)
const filterAt = args.indexOf('--filter')
const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
const wanted = args.length > 0 ? args : Object.keys(frameworks)
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
  fail('frameworks', `exceeded ${DEADLINE_MS / 1000} s; stopping`)
  stopAll().finally(() => process.exit(1))
}, DEADLINE_MS)
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => stopAll().finally(() => process.exit(1)))

function run(argv, cwd, what) {
  const [command, ...rest] = argv
  const r = spawnSync(command, rest, { cwd, encoding: 'utf8', env: process.env, timeout: BUILD_MS })
  if (r.status !== 0)
    throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`.slice(-4000))
}

let built = false
for (const name of wanted) {
  const framework = frameworks[name]
  if (!framework) throw new Error(`unknown framework ${name}; known: ${Object.keys(frameworks).join(', ')}`)
  const all = [...checks, ...(framework.checks ?? [])]
  const selected = all.filter(([check]) => !filter || `${name} › ${check}`.includes(filter))
  if (selected.length === 0) continue
  const absent = missing(framework)
  if (absent) {
    const reason = `${absent} is missing (npm ci --prefix ${framework.dir})`
    if (ci) fail(name, `${reason}; CI=true makes this a failure`)
    else {
      counts.skipped++
      console.log(`skip ${name}: ${reason} (set CI=true to make this a failure)`)
    }
    continue
  }
  try {
    if (!built) run(['npm', 'run', 'build'], root, 'npm run build (the library, for file:../..)')
    built = true
    run(framework.build, `${root}${framework.dir}`, `${name} build`)
    pass(`${name} › builds with its own tools`)
  } catch (error) {
    fail(`${name} › builds with its own tools`, error)
    continue
  }
  let server
  try {
    server = await startServer({ ...framework, cwd: framework.dir }, SETTINGS)
  } catch (error) {
    fail(`${name} › starts and answers on loopback`, error)
    continue
  }
  const client = new Client(`http://127.0.0.1:${server.port}`)
  for (const [check, fn] of selected) {
    try {
      await fn(client, server)
      pass(`${name} › ${check}`)
    } catch (error) {
      fail(`${name} › ${check}`, `${error?.message ?? error}\n--- server output ---\n${server.output()}`)
    }
  }
  await server.stop()
}

clearTimeout(watchdog)
await stopAll()
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
process.exitCode = counts.failed > 0 ? 1 : 0

/** SvelteKit: client-side navigation's `__data.json`, form actions as browsers post them, CSRF. */
function sveltekitChecks() {
  /** The page's data in a `__data.json` body (devalue's flat form: an object of indexes). */
  const pageData = (body) => {
    const node = JSON.parse(body).nodes.findLast((n) => n?.type === 'data')
    const [shape, ...values] = node.data
    return Object.fromEntries(Object.entries(shape).map(([k, i]) => [k, i < 0 ? undefined : values[i - 1]]))
  }
  const formPost = (c, path, user, headers) =>
    c.request(path, {
      method: 'POST',
      body: user === undefined ? undefined : new URLSearchParams({ user }),
      headers: { origin: c.origin, accept: 'text/html', ...headers },
    })
  return [
    [
      '/__data.json (client-side navigation) gets the session, and its write sets the cookie',
      async (c) => {
        const before = JSON.parse((await c.request('/session')).body)
        const r = await c.request('/__data.json?x-sveltekit-invalidated=01')
        expect(r.response.status === 200, `status ${r.response.status}`)
        const data = pageData(r.body)
        expect(data.sid === before.id && data.count === before.data.count + 1, r.body)
        expect(r.setCookies.length === 1 && r.setCookies[0].startsWith('demo_sid='), `${r.setCookies}`)
        expect(/private/.test(r.response.headers.get('cache-control')), 'cache-control is not private')
        const after = JSON.parse((await c.request('/session')).body)
        expect(after.data.count === data.count, `count ${after.data.count}, want ${data.count}`)
      },
    ],
    [
      "a browser's form post reaches the form action: 303, a new id, and the flash",
      async (c) => {
        const { sid } = await c.page()
        const login = await formPost(c, '/login', 'grace')
        expect(login.response.status === 303 && login.setCookies.length === 1, `${login.response.status}`)
        const p = await c.page()
        expect(p.user === 'grace' && p.flash === 'Welcome, grace!' && p.sid !== sid, `${p.user}/${p.flash}`)
        const out = await formPost(c, '/logout')
        expect(out.response.status === 303 && c.jar.size === 0, `logout ${out.response.status}`)
      },
    ],
    [
      'use:enhance: the form action answers its redirect as JSON and still sets the cookie',
      async (c) => {
        const r = await formPost(c, '/login', 'lin', {
          accept: 'application/json',
          'x-sveltekit-action': 'true',
        })
        const result = JSON.parse(r.body)
        expect(r.response.status === 200 && result.type === 'redirect' && result.status === 303, r.body)
        expect(r.setCookies.length === 1, `Set-Cookie: ${r.setCookies}`)
        const data = pageData((await c.request('/__data.json')).body)
        expect(data.user === 'lin' && data.notice === 'Welcome, lin!', JSON.stringify(data))
        await formPost(c, '/logout')
      },
    ],
    [
      'a form post from another origin is refused (403) and writes nothing',
      async (c) => {
        const r = await formPost(c, '/login', 'mallory', { origin: 'http://evil.example' })
        expect(r.response.status === 403 && r.setCookies.length === 0, `status ${r.response.status}`)
        expect((await c.page()).user === 'nobody', 'signed in by a cross-site post')
      },
    ],
  ]
}
