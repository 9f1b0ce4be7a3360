// The demo servers the browser suite drives: one start command per runtime, each started on a
// free loopback port with a fresh secret, and stopped (with everything it spawned) afterwards.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tool } from '../../scripts/runtimes.mjs'

export const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name) => `${root}node_modules/.bin/${name}`

const stateDirs = []

/**
 * `wrangler dev`'s local storage (KV, Durable Objects) in a folder of its own. Instances that run
 * at once, or one started while another stops, would otherwise share the repository's
 * `.wrangler/state`, and a Durable Object's SQLite file locked by one stops the other from
 * starting (SQLITE_BUSY).
 */
export function wranglerState() {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-session-wrangler-'))
  if (stateDirs.length === 0) {
    process.once('exit', () => {
      for (const made of stateDirs) rmSync(made, { recursive: true, force: true })
    })
  }
  stateDirs.push(dir)
  return ['--persist-to', dir]
}

/**
 * Runtimes whose demo example the suite runs, in order. Every example takes the same settings
 * (PORT, HOST, SESSION_SECRET, SESSION_MAX_AGE, SESSION_COOKIE; see examples/app.ts): as
 * environment variables, or for workerd as `--var` bindings. `command(settings)` is the argv;
 * `needs` lists the files that must exist for the target to run (Bun and wrangler come from
 * runtimes/, scripts/runtimes.mjs); `cwd`, a folder under the root to start it in.
 */
export const targets = {
  node: {
    command: () => [bin('tsx'), 'examples/node/server.ts'],
    needs: [bin('tsx'), 'examples/node/server.ts'],
  },
  bun: {
    command: () => [tool('bun'), 'examples/bun/server.ts'],
    needs: [tool('bun'), 'examples/bun/server.ts'],
  },
  workerd: {
    command: ({ PORT, HOST, ...vars }) => [
      tool('wrangler'),
      'dev', // the root wrangler.toml names the entry and the compatibility date
      '--ip',
      HOST,
      '--port',
      PORT,
      '--inspector-port',
      '0', // several instances run at once; the default 9229 would clash
      ...wranglerState(),
      '--show-interactive-dev-session=false',
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ],
    needs: [tool('wrangler'), 'examples/cloudflare/worker.ts'],
  },
  // A framework's example, as test/frameworks.mjs registers it: installed from its own lockfile
  // when missing, built (`build`, after the library's own build, in `cwd`), then started from
  // `cwd`; it runs its own `checks` (checks.mjs).
  'react-router': {
    cwd: 'examples/react-router',
    build: ['npm', 'run', 'build'],
    command: () => [
      `${root}examples/react-router/node_modules/.bin/react-router-serve`,
      'build/server/index.js',
    ],
    needs: ['examples/react-router/node_modules/.bin/react-router-serve'],
    checks: 'react-router',
  },
  next: {
    cwd: 'examples/next',
    build: ['node_modules/.bin/next', 'build'],
    command: ({ HOST, PORT }) => ['node_modules/.bin/next', 'start', '-H', HOST, '-p', PORT],
    needs: ['examples/next/node_modules/next/package.json'],
    checks: 'next',
  },
}

/** The first of `target.needs` that is missing, or undefined. */
export function missing(target) {
  return target.needs.find((file) => !existsSync(file.startsWith('/') ? file : `${root}${file}`))
}

/** A port the OS just reported free on 127.0.0.1 (the server binds it a moment later). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

const READY_MS = 30_000

/** Servers started and not yet stopped, so an aborted run can still end them all. */
const running = new Set()

export function stopAll() {
  return Promise.all([...running].map((stop) => stop()))
}

/**
 * Starts `target` with `env` added to the demo's settings and resolves once it answers HTTP.
 * `stop()` ends the server's whole process group (tsx, bun and wrangler start children);
 * `output()` is what it printed so far, shown when a check fails.
 */
export async function startServer(target, env = {}) {
  const port = await freePort()
  const settings = {
    HOST: '127.0.0.1',
    PORT: String(port),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    ...env,
  }
  const [command, ...argv] = target.command(settings)
  const child = spawn(command, argv, {
    cwd: target.cwd ? `${root}${target.cwd}` : root,
    detached: true, // its own process group, so stop() reaches the grandchildren too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NEXT_TELEMETRY_DISABLED: '1', ...settings },
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  let alive = true
  const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => (alive = false))
  child.once('error', (error) => {
    output += String(error)
    alive = false // spawn failed: there is no process to wait for
  })

  const stop = async () => {
    running.delete(stop)
    if (!alive) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return // already gone
    }
    const timer = setTimeout(() => {
      try {
        if (alive) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // exited meanwhile
      }
    }, 3000)
    await exited
    clearTimeout(timer)
  }

  running.add(stop)

  // Ready once /session answers (the demo writes no cookie for a request that carries none), or
  // for a server whose certificate fetch() would refuse, once it prints `target.ready`.
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + READY_MS
  while (Date.now() < deadline) {
    if (!alive) throw new Error(`${command} exited before answering:\n${output}`)
    if (target.ready?.test(output)) return { port, stop, output: () => output }
    if (target.ready) {
      await new Promise((r) => setTimeout(r, 100))
      continue
    }
    try {
      const res = await fetch(`${origin}/session`)
      if (res.ok) return { port, stop, output: () => output }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`${command} did not answer within ${READY_MS} ms:\n${output}`)
}
