#!/usr/bin/env node
// End-to-end: headless Chromium (the Debian package, never a downloaded browser) against the demo
// served on loopback by each runtime's example. Prints one line per check and a final
// `N passed, N failed, N skipped`; exits non-zero on failure.
//
//   node test/browser/run.mjs [target ...] [--filter text]
//   targets: node, bun, workerd, react-router, next, dbsc (default: all); frameworks are built first
//   dbsc: device-bound sessions over HTTPS in a browser of its own with DBSC on (dbsc.mjs)
//
// Without /usr/bin/chromium (or CHROMIUM_PATH) the suite skips with the reason (a `skip …` line,
// exit 0: test/run.mjs counts it as skipped), or fails with CI=true. Chromium is looked for before
// anything is installed or started; then runtimes/ (playwright-core, Bun, wrangler) and the
// framework examples it serves are installed if missing (scripts/runtimes.mjs).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ensureInstalled, ensureRuntimes, RUNTIMES, requireFromRuntimes } from '../../scripts/runtimes.mjs'
import { checks, frameworkChecks } from './checks.mjs'
import { runDbsc } from './dbsc.mjs'
import { missing, root, startServer, stopAll, targets } from './servers.mjs'

// No framework reports usage home from a test run (Next.js would, from its build and server).
process.env.NEXT_TELEMETRY_DISABLED = '1'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
// The whole run, servers and browser included, is bounded; a hang fails rather than blocks CI.
const DEADLINE_MS = 7 * 60_000
const STEP_MS = 15_000

const ci = process.env.CI === 'true'
const args = process.argv.slice(2)
const filterAt = args.indexOf('--filter')
const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
const OWN = ['dbsc'] // targets that start their own server and browser
const wanted = args.length > 0 ? args : [...Object.keys(targets), ...OWN]
const counts = { passed: 0, failed: 0, skipped: 0 }

/** A missing prerequisite: a failure under CI, a printed skip elsewhere. */
function unavailable(what, reason) {
  if (ci) {
    counts.failed++
    console.log(`FAIL ${what}: ${reason} (CI=true makes this a failure)`)
  } else {
    counts.skipped++
    console.log(`skip ${what}: ${reason} (set CI=true to make this a failure)`)
  }
}

let browser
/** Stops the browser and every server; a timeout or a signal ends the run the same way. */
function abort(reason) {
  console.log(`FAIL browser suite ${reason}; stopping`)
  counts.failed++
  finish().finally(() => process.exit(1))
}
let watchdog
/** Starts the deadline (again, once the installs are done: they are not the suite's time). */
function armWatchdog() {
  clearTimeout(watchdog)
  watchdog = setTimeout(() => abort(`exceeded ${DEADLINE_MS / 1000} s`), DEADLINE_MS)
}
armWatchdog()
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => abort(`got ${signal}`))

let finished = false
async function finish() {
  if (finished) return
  finished = true
  clearTimeout(watchdog)
  await browser?.close().catch(() => {})
  await stopAll()
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  process.exitCode = counts.failed > 0 ? 1 : 0
}

/** The demo instances every target runs; checks name the one they need. */
const SERVERS = {
  main: {},
  short: { SESSION_MAX_AGE: '2' },
  host: { SESSION_COOKIE: '__Host-session' },
  chunked: { SESSION_CHUNKS: '4' },
}
const cookieName = (env) => env.SESSION_COOKIE ?? 'session'

/** Builds a framework's example (and first the library it depends on as `file:../..`). */
let libraryBuilt = false
function build(name, target) {
  const steps = [...(libraryBuilt ? [] : [[['npm', 'run', 'build'], '']]), [target.build, target.cwd]]
  for (const [[command, ...argv], cwd] of steps) {
    const r = spawnSync(command, argv, { cwd: `${root}${cwd}`, encoding: 'utf8', timeout: 120_000 })
    if (r.status !== 0)
      throw new Error(`${name}: ${command} ${argv.join(' ')} failed:\n${r.stdout}${r.stderr}`)
  }
  libraryBuilt = true
}

async function runTarget(name, target) {
  const list = target.checks ? frameworkChecks[target.checks] : checks
  const selected = list.filter(([title]) => !filter || `${name} ${title}`.includes(filter))
  if (selected.length === 0) return
  const started = {}
  try {
    if (target.build) build(name, target)
    await Promise.all(
      [...new Set(selected.map(([, server]) => server))].map(async (key) => {
        started[key] = await startServer(target, SERVERS[key])
      }),
    )
  } catch (error) {
    counts.failed++
    console.log(`FAIL ${name}: demo server did not start: ${error.message}`)
    await Promise.all(Object.values(started).map((s) => s.stop()))
    return
  }
  try {
    for (const [title, server, check] of selected) {
      const { port } = started[server]
      const context = await browser.newContext()
      context.setDefaultTimeout(STEP_MS)
      const t0 = performance.now()
      try {
        await check({
          browser,
          context,
          page: await context.newPage(),
          url: `http://localhost:${port}/`,
          cookie: cookieName(SERVERS[server]),
          origins: { other: `http://127.0.0.1:${port}` },
        })
        counts.passed++
        console.log(`ok   ${name.padEnd(7)} ${title} (${Math.round(performance.now() - t0)} ms)`)
      } catch (error) {
        counts.failed++
        // The server's recent output usually says why a page failed (a stack trace on a 500).
        const log = started[server].output().slice(-1500).trim()
        const detail = `${error?.message ?? error}${log ? `\n--- ${name} server output (tail):\n${log}` : ''}`
        console.log(`FAIL ${name.padEnd(7)} ${title}\n     ${detail.replace(/\n/g, '\n     ')}`)
      } finally {
        await context.close().catch(() => {})
      }
    }
  } finally {
    await Promise.all(Object.values(started).map((s) => s.stop()))
  }
}

/** The device-bound flow: its own server (HTTPS) and its own browser (DBSC flags). */
async function dbsc(chromium) {
  await runDbsc({
    chromium,
    executablePath: CHROMIUM,
    flags: FLAGS,
    stepMs: STEP_MS,
    unavailable,
    report(ok, title, detail) {
      counts[ok ? 'passed' : 'failed']++
      const line = `${ok ? 'ok  ' : 'FAIL'} dbsc    ${title}`
      console.log(detail ? `${line}\n     ${detail.replace(/\n/g, '\n     ')}` : line)
    },
  })
}

try {
  const unknown = wanted.filter((t) => !(t in targets) && !OWN.includes(t))
  if (unknown.length > 0)
    throw new Error(`unknown target ${unknown.join(', ')}; known: ${[...Object.keys(targets), ...OWN]}`)
  const playwright = `${RUNTIMES}node_modules/playwright-core/package.json`
  if (!existsSync(CHROMIUM)) {
    unavailable('browser suite', `no Chromium at ${CHROMIUM} (apt-get install chromium)`)
  } else {
    // An install that fails leaves a file missing: the whole suite, or that target, is unavailable.
    ensureRuntimes()
    for (const name of wanted) if (targets[name]?.cwd) ensureInstalled(targets[name].cwd)
    armWatchdog()
    if (!existsSync(playwright)) unavailable('browser suite', `${playwright} is missing`)
    else {
      const { chromium } = requireFromRuntimes('playwright-core')
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
      console.log(`chromium ${browser.version()}`)
      for (const name of wanted) {
        if (name === 'dbsc') {
          if (!filter || 'dbsc'.includes(filter) || filter.startsWith('dbsc')) await dbsc(chromium)
          continue
        }
        const absent = missing(targets[name])
        if (absent) unavailable(name, `${absent} not found`)
        else await runTarget(name, targets[name])
      }
    }
  }
} catch (error) {
  counts.failed++
  console.log(`FAIL browser suite: ${error?.stack ?? error}`)
} finally {
  await finish()
}
