// The HTTP section of `npm run bench`: every Hono app of bench/requests.ts served over loopback by
// a real server in its own process (Node with @hono/node-server, Bun.serve, Deno.serve, and
// `workerd serve`, the binary wrangler runs, without its dev proxy), loaded by
// autocannon from this process. Apps run interleaved in rotating order over several rounds; each
// round's throughput is divided by the bare app's and the floor middleware's in the same round,
// and the median ratio is reported with its spread (lowest to highest round).
//
// Scenarios, both with the valid cookie /login set (the 56-byte fixture):
//   read     GET /read: opened, nothing written
//   changed  GET /inc: opened and sealed again
//
// Also timed: the first request a fresh server answers (key setup and first-call compilation
// included) against the median of warm requests, one at a time.

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { median } from './harness.ts'
import { HTTP_APPS } from './requests.ts'
import { bundle, compatibilityDate } from './tools.ts'

export { HTTP_APPS }
export const HTTP_SCENARIOS = { read: '/read', changed: '/inc' } as const
type HttpScenario = keyof typeof HTTP_SCENARIOS

export interface HttpOptions {
  runtimes: readonly string[]
  rounds: number
  /** Seconds of load per app, scenario and round. */
  seconds: number
  connections: number
}

export interface HttpRow {
  runtime: string
  id: string
  scenario: HttpScenario
  /** Median requests per second over rounds. */
  rps: number
  vsBare: Spread
  vsFloor: Spread
  /** Requests per second in each round, in round order (rounds of every app ran interleaved). */
  perRound: number[]
}

export interface Spread {
  median: number
  low: number
  high: number
}

export interface FirstRow {
  runtime: string
  id: string
  /** ms: the first request after the server listens, and the median warm request. */
  first: number
  warm: number
  /** Bytes of the Cookie header sent. */
  cookieBytes: number
}

export interface HttpResult {
  rows: HttpRow[]
  first: FirstRow[]
  errors: string[]
}

interface Server {
  id: string
  port: number
  child: ReturnType<typeof spawn>
  cookie: string
}

/** How to serve one app on one runtime: Node, Bun and Deno run the bundled server script. */
function command(runtime: string, bin: (name: string) => string, script: string): [string, string[]] {
  if (runtime === 'node') return [process.execPath, [script]]
  if (runtime === 'bun') return [bin('bun'), [script]]
  if (runtime === 'deno') return [bin('deno'), ['run', '--quiet', '-A', script]]
  throw new Error(`no HTTP server for ${runtime}`)
}

/** What the servers serve: the apps, and how to bundle the server script and each app's Worker. */
export interface HttpSetup {
  /** The apps, by id; 'bare' and 'floor' must be among them (every ratio is taken over theirs). */
  readonly apps: readonly { readonly id: string }[]
  /** Bundles the Node, Bun and Deno server script (arguments: app id, port) to `outfile`. */
  bundleServer(outfile: string): Promise<void>
  /** Bundles the Worker serving app `id` to `outfile`. */
  bundleWorker(outfile: string, id: string): Promise<void>
}

/** The apps of bench/requests.ts (HTTP_APPS), served by bench/http-server.ts and bench/http-worker.ts. */
export const HTTP_SETUP: HttpSetup = {
  apps: HTTP_APPS,
  bundleServer: (outfile) => bundle('bench/http-server.ts', outfile, 'node'),
  bundleWorker: (outfile, id) =>
    bundle('bench/http-worker.ts', outfile, 'neutral', { APP_ID: JSON.stringify(id) }),
}

/**
 * A `workerd serve` config for one app: its Worker bundle on a loopback socket, with
 * wrangler.toml's compatibility date, as `wrangler dev` would run it without its proxy in front.
 */
async function workerdConfig(dir: string, id: string, port: number, setup: HttpSetup): Promise<string> {
  // Ids may hold characters a file name or capnp string should not ('old:ours').
  const file = id.replace(/[^\w-]/g, '_')
  const worker = join(dir, `worker-${file}.mjs`)
  await setup.bundleWorker(worker, id)
  const config = join(dir, `workerd-${file}.capnp`)
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .app)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const app :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker-${file}.mjs")],
  compatibilityDate = "${compatibilityDate()}",
);
`,
  )
  return config
}

/** Resolves once something accepts connections on `port` (without sending it a request). */
async function listening(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`)
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`nothing listens on ${port}`)
}

async function start(
  runtime: string,
  bin: (name: string) => string,
  files: { dir: string; script: string; setup: HttpSetup },
  id: string,
  port: number,
): Promise<ReturnType<typeof spawn>> {
  if (runtime === 'workerd') {
    const config = await workerdConfig(files.dir, id, port, files.setup)
    const child = spawn(bin('workerd'), ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    await listening(port, child)
    return child
  }
  const [cmd, args] = command(runtime, bin, files.script)
  const child = spawn(cmd, [...args, id, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      if (String(d).includes('ready')) resolve(child)
    })
    child.on('exit', (code) => reject(new Error(`${runtime} ${id} exited ${code}: ${err.slice(-300)}`)))
  })
}

/** Ends a server and waits until it has exited (its port is free again). */
function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill()
  })
}

async function timed(url: string, cookie: string): Promise<number> {
  const t0 = performance.now()
  const response = await fetch(url, { headers: cookie ? { cookie } : {} })
  await response.arrayBuffer()
  return performance.now() - t0
}

function load(url: string, cookie: string, options: HttpOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: options.connections, duration: options.seconds, headers: { cookie } },
      (error: Error | null, result: { requests: { average: number }; non2xx: number; errors: number }) => {
        if (error) reject(error)
        else if (result.non2xx > 0 || result.errors > 0)
          reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`))
        else resolve(result.requests.average)
      },
    )
  })
}

function spread(values: number[]): Spread {
  return { median: median(values), low: Math.min(...values), high: Math.max(...values) }
}

export async function httpSection(
  options: HttpOptions,
  dir: string,
  bin: (name: string) => string,
  log: (line: string) => void,
  setup: HttpSetup = HTTP_SETUP,
): Promise<HttpResult> {
  const script = join(dir, 'http-server.mjs')
  const files = { dir, script, setup }
  await setup.bundleServer(script)
  const result: HttpResult = { rows: [], first: [], errors: [] }
  for (const runtime of options.runtimes) {
    log(`  http ${runtime}...`)
    const servers: Server[] = []
    try {
      for (const app of setup.apps) {
        const port = await freePort()
        const base = `http://127.0.0.1:${port}`
        // The cookie comes from a first server; a second one, just started with the same secret,
        // then answers its very first request with it: key setup and first-call compilation
        // included, as after a deploy or a cold isolate.
        const first = await start(runtime, bin, files, app.id, port)
        let cookie: string
        try {
          const login = await fetch(`${base}/login`)
          cookie = login.headers
            .getSetCookie()
            .map((line) => line.split(';')[0])
            .join('; ')
        } finally {
          await stop(first)
        }
        const server: Server = {
          id: app.id,
          port,
          cookie,
          child: await start(runtime, bin, files, app.id, port),
        }
        servers.push(server)
        const firstMs = await timed(`${base}/read`, server.cookie)
        const warm: number[] = []
        for (let i = 0; i < 21; i++) warm.push(await timed(`${base}/read`, server.cookie))
        result.first.push({
          runtime,
          id: app.id,
          first: firstMs,
          warm: median(warm),
          cookieBytes: server.cookie.length,
        })
      }
      for (const scenario of Object.keys(HTTP_SCENARIOS) as HttpScenario[]) {
        const rps = new Map<string, number[]>(servers.map((s) => [s.id, []]))
        for (let r = 0; r < options.rounds; r++) {
          const order = servers.map((_, i) => servers[(i + r) % servers.length]!)
          if (r % 2 === 1) order.reverse()
          for (const s of order) {
            const url = `http://127.0.0.1:${s.port}${HTTP_SCENARIOS[scenario]}`
            rps.get(s.id)!.push(await load(url, s.cookie, options))
          }
        }
        const bare = rps.get('bare')!
        const floor = rps.get('floor')!
        for (const s of servers) {
          const mine = rps.get(s.id)!
          result.rows.push({
            runtime,
            id: s.id,
            scenario,
            rps: median(mine),
            vsBare: spread(mine.map((v, i) => v / bare[i]!)),
            vsFloor: spread(mine.map((v, i) => v / floor[i]!)),
            perRound: mine,
          })
        }
      }
    } catch (error) {
      result.errors.push(`${runtime}: ${String((error as Error).message ?? error).slice(0, 300)}`)
    } finally {
      await Promise.all(servers.map((s) => stop(s.child)))
    }
  }
  return result
}

/** A free loopback port, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
