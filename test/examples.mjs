#!/usr/bin/env node
// Every runtime's example, started for real on a free loopback port with the demo's settings in
// its environment (bindings for workerd), then driven over HTTP with a cookie jar: the counter,
// login/logout with the flash message, /session, a tampered cookie, an oversized write, and
// "bind this session to my device" with a WebCrypto key pair standing in for a DBSC browser. Also
// builds the Worker as `wrangler deploy` would, offline, reports its size, and serves that bundle.
// Prints one line per check and a final `N passed, N failed, N skipped` (an example whose runtime
// is missing is skipped, or fails with CI=true). Deno, Bun and wrangler come from runtimes/,
// installed first if missing (scripts/runtimes.mjs).
//
//   node test/examples.mjs [example ...] [--filter text]
//   examples: node, deno, bun, workerd, workerd-do, workerd-bundle (default: all)
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { ensureRuntimes, tool } from '../scripts/runtimes.mjs'
import { targets as browserTargets, missing, startServer, wranglerState } from './browser/servers.mjs'
import { Client, checks, deviceBinding, expect } from './demo-checks.mjs'
import { serverRunner } from './server-runner.mjs'

const root = new URL('..', import.meta.url).pathname
// wrangler, offline: no metrics, no request for the Cloudflare location data.
process.env.WRANGLER_SEND_METRICS = 'false'
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

const WORKER_OUT = `${root}.test-build/worker`
const wranglerDev = (script, extra = []) => ({
  // Root wrangler.toml (name, compatibility date) with the demo's settings as --var bindings,
  // as `.dev.vars` or `wrangler secret put` would give them.
  command: ({ PORT, HOST, ...vars }) => [
    tool('wrangler'),
    'dev',
    ...(script ? [script] : []),
    ...extra,
    '--ip',
    HOST,
    '--port',
    PORT,
    '--inspector-port',
    '0',
    ...wranglerState(),
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ],
  needs: [tool('wrangler'), 'wrangler.toml'],
})

const examples = {
  node: browserTargets.node,
  deno: {
    command: () => [
      tool('deno'),
      'run',
      '--config',
      'examples/deno/deno.json',
      '--unstable-kv',
      '--allow-net=127.0.0.1',
      '--allow-env=PORT,HOST,SESSION_*',
      'examples/deno/main.ts',
    ],
    needs: [tool('deno'), 'examples/deno/main.ts'],
  },
  bun: browserTargets.bun,
  // `wrangler dev` with nothing else: wrangler.toml's `main` is the example.
  workerd: wranglerDev(undefined),
  // The same, with the Durable Object as the revocation store instead of KV.
  'workerd-do': {
    ...wranglerDev(undefined),
    command: (settings) => wranglerDev(undefined).command({ ...settings, REVOCATION_STORE: 'do' }),
  },
  // What `wrangler deploy` would upload, served unchanged.
  'workerd-bundle': { ...wranglerDev(`${WORKER_OUT}/worker.js`, ['--no-bundle']), build: buildWorker },
}

// One server, one clock: no skew margin, so a login a few ms before "log out everywhere" ends too.
const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600', SESSION_CLOCK_SKEW: '0' }

/** The examples with a revocation store (Deno KV; Workers KV and a Durable Object). */
const REVOCATION = new Set(['deno', 'workerd', 'workerd-do', 'workerd-bundle'])

/**
 * "Log out everywhere" over HTTP: two browsers signed in as one user and a third as another; the
 * first posts /logout-everywhere; both of the user's sessions end, the other user's lives on.
 */
async function logoutEverywhere(origin) {
  const login = async (user) => {
    const client = new Client(origin)
    const r = await client.request('/login', { method: 'POST', body: new URLSearchParams({ user }) })
    expect(r.response.status === 303, `login status ${r.response.status}`)
    expect((await client.page()).user === user, 'login did not stick')
    return client
  }
  const user = `ada-${Date.now()}`
  const [phone, laptop, other] = [await login(user), await login(user), await login('bob')]
  await new Promise((r) => setTimeout(r, 20))
  const r = await phone.request('/logout-everywhere', { method: 'POST' })
  expect(r.response.status === 303, `logout-everywhere status ${r.response.status}`)
  const [p, l, o] = [await phone.page(), await laptop.page(), await other.page()]
  expect(p.user === 'nobody', `the revoking browser is still ${p.user}`)
  expect(l.user === 'nobody', `the other device is still ${l.user}`)
  expect(o.user === 'bob', `another user was signed out: ${o.user}`)
  const again = await login(user)
  expect((await again.page()).user === user, 'a login after it did not live')
}
const DEADLINE_MS = 4 * 60_000

/** `wrangler deploy --dry-run --outdir`: the Worker bundle, built offline; reports its size. */
function buildWorker() {
  const sizes = []
  for (const minify of [false, true]) {
    const out = minify ? `${WORKER_OUT}-min` : WORKER_OUT
    const r = spawnSync(
      tool('wrangler'),
      ['deploy', '--dry-run', '--outdir', out, ...(minify ? ['--minify'] : [])],
      { cwd: root, encoding: 'utf8', env: process.env, timeout: 120_000 },
    )
    if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}${r.stderr}`)
    const code = readFileSync(`${out}/worker.js`)
    sizes.push(`${minify ? 'minified' : 'as deployed'} ${code.length} B raw, ${gzipSync(code).length} B gzip`)
  }
  return `Worker bundle (demo + library): ${sizes.join('; ')}`
}

// --- running ----------------------------------------------------------------------------------

const { wanted, pass, fail, absent, start, select, runChecks, finish } = serverRunner(
  Object.keys(examples),
  'examples',
  DEADLINE_MS,
)
ensureRuntimes() // before the deadline starts; a failed install leaves a runtime missing (a skip)
start()

for (const name of wanted) {
  const example = examples[name]
  if (!example) throw new Error(`unknown example ${name}; known: ${Object.keys(examples).join(', ')}`)
  const all = [
    ...checks,
    ['bind this session to my device: register, refresh, logout, with a WebCrypto key', deviceBinding],
    ...(REVOCATION.has(name)
      ? [['log out everywhere ends every session of the user, on its revocation store', logoutEverywhere]]
      : []),
  ]
  const selected = select(name, all)
  if (selected.length === 0) continue
  const gone = missing(example)
  if (gone) {
    absent(name, `${gone} is missing`)
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
  await runChecks(name, server, selected, (fn) => (fn === logoutEverywhere ? fn(client.origin) : fn(client)))
  await server.stop()
  // The secret came from the environment: the demo warns when it has to make one up.
  if (/random development secret/.test(server.output())) {
    fail(`${name} › uses SESSION_SECRET from its environment`, server.output())
  } else pass(`${name} › uses SESSION_SECRET from its environment`)
}

await finish()
