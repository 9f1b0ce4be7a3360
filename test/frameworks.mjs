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
  'react-router': {
    dir: 'examples/react-router',
    // typegen and tsc first: the build fails unless the storage is React Router's SessionStorage type.
    build: ['npm', 'run', 'build'],
    command: () => [
      `${root}examples/react-router/node_modules/.bin/react-router-serve`,
      'build/server/index.js',
    ],
    needs: ['examples/react-router/node_modules/.bin/react-router-serve'],
    checks: [
      [
        'an unchanged session is not re-sealed: commitSession gives "" (an empty line clients ignore)',
        async (c) => {
          const set = await c.request('/grow?bytes=0')
          expect(set.response.status === 200 && set.setCookies.length === 1, `first ${set.setCookies}`)
          const same = await c.request('/grow?bytes=0')
          expect(
            same.setCookies.every((v) => v === ''),
            `second: ${same.setCookies}`,
          )
          c.jar.delete('') // what the empty line made of this naive jar
          const p = await c.page()
          expect(p.count === 3, `count ${p.count}, want 3`)
        },
      ],
      [
        "<Form>'s client-side login (POST /login.data) sets the cookie; GET /_.data shows the flash once",
        async (c) => {
          const form = new URLSearchParams({ user: 'eve' })
          const login = await c.request('/login.data', { method: 'POST', body: form })
          expect(
            login.response.status === 202 && login.setCookies.length === 1,
            `login ${login.response.status}`,
          )
          expect(login.body.includes('"redirect","/"'), `not a redirect: ${login.body}`)
          const data = await c.request('/_.data')
          expect(data.setCookies.length === 1 && data.body.includes('"Welcome, eve!"'), data.body)
          const again = await c.request('/_.data')
          expect(!again.body.includes('Welcome') && again.body.includes('"eve"'), again.body)
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
