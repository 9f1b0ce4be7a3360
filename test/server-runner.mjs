// What test/examples.mjs and test/frameworks.mjs share: each starts real servers and runs the
// demo's checks against them. The command line (`[name ...] [--filter text]`), the ok/FAIL/skip
// lines and totals that test/counting.mjs reads, the deadline that stops every server, and the
// loop that runs one server's checks.
import { stopAll } from './browser/servers.mjs'

/**
 * A runner's state from its command line: `wanted` names (all of `known` by default), the
 * `--filter` text, and the counters with the line printers.
 */
export function serverRunner(known, label, deadlineMs) {
  const args = process.argv.slice(2)
  const filterAt = args.indexOf('--filter')
  const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
  const wanted = args.length > 0 ? args : known
  const counts = { passed: 0, failed: 0, skipped: 0 }
  const pass = (name) => {
    counts.passed++
    console.log(`ok   ${name}`)
  }
  const fail = (name, error) => {
    counts.failed++
    console.log(`FAIL ${name}\n  ${String(error?.message ?? error).replaceAll('\n', '\n  ')}`)
  }
  /** A server that cannot start here: a failure under CI=true, a printed skip elsewhere. */
  const absent = (name, reason) => {
    if (process.env.CI === 'true') fail(name, `${reason}; CI=true makes this a failure`)
    else {
      counts.skipped++
      console.log(`skip ${name}: ${reason} (set CI=true to make this a failure)`)
    }
  }
  let watchdog
  /** Starts the deadline (after any installs): past it, every server is stopped and we exit 1. */
  const start = () => {
    watchdog = setTimeout(() => {
      fail(label, `exceeded ${deadlineMs / 1000} s; stopping`)
      stopAll().finally(() => process.exit(1))
    }, deadlineMs)
    for (const signal of ['SIGINT', 'SIGTERM'])
      process.once(signal, () => stopAll().finally(() => process.exit(1)))
  }
  /** The checks `name` runs under `--filter`. */
  const select = (name, all) => all.filter(([check]) => !filter || `${name} › ${check}`.includes(filter))
  /** Runs each check against one server; a failure carries the server's output. */
  const runChecks = async (name, server, selected, invoke) => {
    for (const [check, fn] of selected) {
      try {
        await invoke(fn)
        pass(`${name} › ${check}`)
      } catch (error) {
        fail(`${name} › ${check}`, `${error?.message ?? error}\n--- server output ---\n${server.output()}`)
      }
    }
  }
  /** Stops everything and prints the totals; the exit code says whether anything failed. */
  const finish = async () => {
    clearTimeout(watchdog)
    await stopAll()
    console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
    process.exitCode = counts.failed > 0 ? 1 : 0
  }
  return { wanted, pass, fail, absent, start, select, runChecks, finish }
}
