#!/usr/bin/env node
// Soak: the Node demo (examples/node/server.ts) in a child process, loaded over loopback by
// autocannon from this process for a bounded time with a cookie-carrying mix of requests: new
// visitors, returning ones, login (303), the flash after it, a larger session, a tampered cookie,
// logout (303). Every response is checked; the server's heap after a full GC is sampled once a
// second over IPC (test/soak-probe.mjs, preloaded, so the example carries no diagnostics).
//
// Passes when there are no connection errors or timeouts, no status but 200 and the expected
// 303s, no failed check, and the heap of the last third of the run is within the tolerance
// below of the first third's (medians of the samples, so one GC-timing outlier cannot decide).
//
//   node test/soak.mjs [--seconds 120] [--connections 10]
//   npm run soak            (120 s)      node test/run.mjs soak   (15 s, part of npm test)
//   SOAK_SAMPLES=1 prints every heap sample.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? fallback : Number(args[at + 1])
}
const seconds = option('seconds', 120)
const connections = option('connections', 10)
const MiB = 1024 * 1024
/**
 * The first seconds under load grow the heap while the JIT compiles and caches fill (7 to 10 MiB
 * over ~10 s here), then it stays flat; they are loaded and checked but not sampled.
 */
const warmup = Math.min(5, Math.ceil(seconds / 4))
/**
 * Heap tolerance: after a full GC, what is left is the live set (keys, compiled code, the demo's
 * module graph) plus what the in-flight requests hold (a few hundred KB). Flat runs vary by under
 * 1 MiB between samples, so the last third may exceed the first by 10% + 2 MiB (about 3 MiB on a
 * 10 MiB heap). The medians of the thirds are two thirds of the run apart: at the ~3,000
 * requests/s this demo serves on 2 cores, a leak of 100 bytes per request fails a 15 s run, and
 * of 15 bytes per request a 120 s one.
 */
const TOLERANCE = { ratio: 0.1, bytes: 2 * MiB }

function fail(message) {
  console.error(`soak: ${message}`)
  process.exitCode = 1
}

/** Starts the demo on a free port; resolves with the child and its URL. */
function startServer() {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', './test/soak-probe.mjs', 'examples/node/server.ts'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        SESSION_SECRET: randomBytes(32).toString('base64'),
      },
    },
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start within 30 s')), 30_000)
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const port = /http:\/\/[^:]+:(\d+)/.exec(out)?.[1]
      if (port && port !== '0') {
        clearTimeout(timer)
        resolve({ child, url: `http://127.0.0.1:${port}` })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the demo exited with code ${code} before listening:\n${out}`))
    })
  })
}

/** The server's heap after a full GC, in bytes. */
function heap(child) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no heap answer within 10 s')), 10_000)
    child.once('message', (m) => {
      clearTimeout(timer)
      resolve(m.heapUsed)
    })
    child.send('heap')
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const stats = { checks: 0, failed: 0, examples: [] }
function check(ok, what) {
  stats.checks++
  if (!ok) {
    stats.failed++
    if (stats.examples.length < 5) stats.examples.push(what)
  }
}

/** The `session=…` pair a response set, if any, from autocannon's header object. */
function setCookie(headers) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie')
  const value = key === undefined ? undefined : headers[key]
  const line = Array.isArray(value) ? value.find((v) => v.startsWith('session=')) : value
  return line?.split(';')[0]
}

const withCookie = (req, context) => ({ ...req, headers: { ...req.headers, cookie: context.cookie ?? '' } })

/** One visitor's life, repeated by every connection. The context resets at each loop. */
const journey = [
  {
    method: 'GET',
    path: '/',
    onResponse: (status, body, context, headers) => {
      context.cookie = setCookie(headers)
      check(status === 200 && body.includes('id="count">1<') && context.cookie, `new visitor: ${status}`)
    },
  },
  {
    method: 'GET',
    path: '/',
    setupRequest: withCookie,
    onResponse: (status, body, context, headers) => {
      check(status === 200 && body.includes('id="count">2<'), `returning visitor: ${status}`)
      context.cookie = setCookie(headers) ?? context.cookie
    },
  },
  {
    method: 'GET',
    path: '/session',
    setupRequest: withCookie,
    onResponse: (status, body) => {
      const seen = status === 200 ? JSON.parse(body) : undefined
      check(seen?.isNew === false && seen.data.count === 2, `session JSON: ${status} ${body.slice(0, 80)}`)
    },
  },
  {
    method: 'POST',
    path: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'user=soak',
    setupRequest: withCookie,
    onResponse: (status, _body, context, headers) => {
      check(status === 303, `login: ${status}`)
      context.cookie = setCookie(headers) ?? context.cookie
    },
  },
  {
    method: 'GET',
    path: '/',
    setupRequest: withCookie,
    onResponse: (status, body, context, headers) => {
      check(
        status === 200 && body.includes('Welcome, soak!') && body.includes('id="user">soak<'),
        `after login: ${status}`,
      )
      context.cookie = setCookie(headers) ?? context.cookie
    },
  },
  {
    method: 'GET',
    path: '/grow?bytes=600',
    setupRequest: withCookie,
    onResponse: (status, body, context, headers) => {
      check(status === 200 && body === '{"stored":600}', `grow: ${status} ${body}`)
      context.cookie = setCookie(headers) ?? context.cookie
    },
  },
  {
    method: 'GET',
    path: '/session',
    // The same cookie with one character changed: a new, empty session, never an error.
    setupRequest: (req, context) => {
      const c = context.cookie ?? 'session=x'
      const at = 20 + (c.length % 40)
      return withCookie(req, { cookie: c.slice(0, at) + (c[at] === 'A' ? 'B' : 'A') + c.slice(at + 1) })
    },
    onResponse: (status, body) => {
      check(status === 200 && JSON.parse(body).isNew === true, `tampered: ${status}`)
    },
  },
  {
    method: 'POST',
    path: '/logout',
    setupRequest: withCookie,
    onResponse: (status, _body, _context, headers) => {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie')
      check(status === 303 && /Max-Age=0/.test(String(headers[key])), `logout: ${status}`)
    },
  },
]

let server
const cleanup = () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGTERM')
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup()
    process.exit(130)
  })
}

let passed = 0
let failed = 0
const verdict = (ok, what) => {
  if (ok) passed++
  else {
    failed++
    fail(what)
  }
}

try {
  server = await startServer()
  const samples = []
  const started = Date.now()
  const run = autocannon({ url: server.url, connections, duration: warmup + seconds, requests: journey })
  // One heap sample a second while the load runs, after the warm-up.
  let sampling = true
  const sampler = (async () => {
    await new Promise((resolve) => setTimeout(resolve, warmup * 1000))
    while (sampling) {
      samples.push({ at: Date.now() - started - warmup * 1000, bytes: await heap(server.child) })
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  })()
  const result = await run
  sampling = false
  await sampler
  const duration = result.duration * 1000 - warmup * 1000
  const first = samples.filter((s) => s.at < duration / 3).map((s) => s.bytes)
  const last = samples.filter((s) => s.at >= (2 * duration) / 3 && s.at <= duration).map((s) => s.bytes)
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([c, s]) => [c, s.count]))
  const total = Object.values(codes).reduce((a, b) => a + b, 0)
  const unexpected = Object.entries(codes).filter(([c]) => c !== '200' && c !== '303')
  const firstMiB = median(first) / MiB
  const lastMiB = median(last) / MiB
  const limitMiB = firstMiB * (1 + TOLERANCE.ratio) + TOLERANCE.bytes / MiB
  console.log(
    `  [soak] ${result.duration} s (${warmup} s warm-up), ${connections} connections: ${total} requests ` +
      `(${Math.round(total / result.duration)}/s; ${Object.entries(codes)
        .map(([c, n]) => `${n} × ${c}`)
        .join(', ')}), ${result.errors} errors, ${result.timeouts} timeouts, ` +
      `${stats.failed} of ${stats.checks} checks failed`,
  )
  console.log(
    `  [soak] server heap after full GC (${samples.length} samples): first third median ${firstMiB.toFixed(2)} MiB, ` +
      `last third median ${lastMiB.toFixed(2)} MiB (${(((lastMiB - firstMiB) / firstMiB) * 100).toFixed(1)}%, limit ${limitMiB.toFixed(2)} MiB)`,
  )
  for (const e of stats.examples) console.log(`  [soak] failed check: ${e}`)
  if (process.env.SOAK_SAMPLES)
    console.log(samples.map((s) => `${(s.at / 1000).toFixed(0)}s ${(s.bytes / MiB).toFixed(2)}`).join('\n'))
  verdict(total > 0 && stats.checks === total, `every response checked (${stats.checks} of ${total})`)
  verdict(
    result.errors === 0 && result.timeouts === 0,
    `${result.errors} errors, ${result.timeouts} timeouts`,
  )
  verdict(unexpected.length === 0, `unexpected statuses: ${JSON.stringify(unexpected)}`)
  verdict(stats.failed === 0, `${stats.failed} failed checks`)
  verdict(first.length >= 2 && last.length >= 2, `heap samples: ${first.length} first, ${last.length} last`)
  verdict(lastMiB <= limitMiB, `heap grew from ${firstMiB.toFixed(2)} to ${lastMiB.toFixed(2)} MiB`)
} catch (error) {
  failed++
  fail(error.stack ?? String(error))
} finally {
  cleanup()
}
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
