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
// No framework reports usage home from a test run (Next.js would, from its build and server).
process.env.NEXT_TELEMETRY_DISABLED = '1'
const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600' }
const BUILD_MS = 5 * 60_000
const DEADLINE_MS = 20 * 60_000

/**
 * name → { dir, build: argv run in dir, command(settings): argv run in dir, needs, checks? }.
 * `checks` are extra [title, async (client) => {}] pairs run after the demo's, on the same server.
 */
export const frameworks = {
  next: {
    dir: 'examples/next',
    build: ['node_modules/.bin/next', 'build'],
    command: ({ HOST, PORT }) => ['node_modules/.bin/next', 'start', '-H', HOST, '-p', PORT],
    needs: ['examples/next/node_modules/next/package.json'],
    checks: [
      [
        'a Server Action form, posted as a browser without JavaScript posts it, logs in (303, one cookie)',
        async (c) => {
          const before = await c.page()
          // The form carries its action's id as a hidden field; the action answers the post itself.
          const action = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(before.body)?.[1]
          expect(action, 'no Server Action form on the page')
          const form = new FormData()
          form.set(action, '')
          form.set('user', 'grace')
          const origin = c.origin
          const post = await c.request('/', { method: 'POST', body: form, headers: { origin } })
          expect(post.response.status === 303, `status ${post.response.status}`)
          expect(
            post.response.headers.get('location') === '/',
            `location ${post.response.headers.get('location')}`,
          )
          expect(
            post.setCookies.length === 1 && post.setCookies[0].startsWith('demo_sid='),
            `${post.setCookies}`,
          )
          const p = await c.page()
          expect(p.user === 'grace' && p.flash === 'Welcome, grace!', `after login: ${p.user} / ${p.flash}`)
          expect(p.sid !== before.sid && p.count === before.count + 1, `${p.sid} ${p.count}`)
          expect((await c.page()).flash === undefined, 'the flash showed twice')
        },
      ],
      [
        'a write while a Server Component renders fails with ERR_COOKIES_READ_ONLY, naming where to write',
        async (c) => {
          const r = await c.request('/render-write')
          const [, code, message] = /id="error" data-code="([^"]*)">([^<]*)</.exec(r.body) ?? []
          expect(code === 'ERR_COOKIES_READ_ONLY', `code ${code}: ${r.body.slice(0, 300)}`)
          expect(/Server Action/.test(message) && /Route Handler/.test(message), message)
          expect(r.setCookies.length === 0, `Set-Cookie: ${r.setCookies}`)
        },
      ],
    ],
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
