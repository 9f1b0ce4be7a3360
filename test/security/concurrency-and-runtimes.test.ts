// The "Concurrency and runtimes" rows of docs/SECURITY-CASES.md, and the documented limit of parallel
// requests: 1,000 concurrent requests with distinct sessions through one wrapped handler (and
// through Hono), servers with skewed or stepped clocks, a secret buffer reused after setup, failing
// onInvalid hooks, first requests racing the key import, a failing import under load, a key cache
// under churn, and a fingerprint of verdicts that must be the same on every runtime.

import { Hono } from 'hono'
import { type InvalidReason, type SessionOptions, withSession } from 'sealed-session'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { base64urlEncode } from '../../src/core/encoding.ts'
import { type App, probe, Rng } from '../attacker.ts'
import { deepEqual, describe, env, equal, ok, test } from '../harness.ts'
import {
  type AnyData,
  clock,
  countSubtle,
  failing,
  request,
  SECRET,
  send,
  T0,
  visits,
  watchUnhandled,
  wrap,
} from '../helpers.ts'
import vectors from '../vectors.json' with { type: 'json' }
import { SECOND } from './shared.ts'

const N = 1000

interface Seen {
  id: string
  who: number
  secret: string
  count: number
}

/**
 * A handler that yields in the middle of its work (microtasks, a crypto call, a timer), so that
 * the 1,000 requests really interleave rather than run one after another.
 */
async function interleaved(
  req: Request,
  s: { get: (k: string) => unknown; set: (k: string, v: unknown) => void; id: string },
  i: number,
) {
  const who = Number(new URL(req.url).searchParams.get('who'))
  if (s.get('who') === undefined) {
    s.set('who', who)
    s.set('secret', base64urlEncode(crypto.getRandomValues(new Uint8Array(12))))
  }
  switch (i % 3) {
    case 0:
      for (let k = 0; k < i % 7; k++) await Promise.resolve()
      break
    case 1:
      await crypto.subtle.digest('SHA-256', new Uint8Array(i % 64))
      break
    default:
      await new Promise((resolve) => setTimeout(resolve, i % 5))
  }
  s.set('count', ((s.get('count') as number) ?? 0) + 1)
  return Response.json({
    id: s.id,
    who: s.get('who'),
    secret: s.get('secret'),
    count: s.get('count'),
  } as Seen)
}

let calls = 0

/** Runs `N` concurrent first requests, then `N` concurrent follow-ups in shuffled order. */
async function noCrossTalk(app: App) {
  const first = await Promise.all(Array.from({ length: N }, (_, who) => send(app, undefined, `/?who=${who}`)))
  const mine = first.map((f, who) => {
    const seen = JSON.parse(f.body) as Seen
    equal(seen.who, who, 'first response is its own')
    equal(seen.count, 1)
    ok(f.cookie, 'a cookie for every new session')
    return { cookie: f.cookie!, seen }
  })
  equal(new Set(mine.map((m) => m.seen.id)).size, N, 'distinct session ids')
  equal(new Set(mine.map((m) => m.seen.secret)).size, N, 'distinct data')
  const order = Array.from({ length: N }, (_, i) => i)
  const rng = new Rng()
  for (let i = N - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  // The ?who= of the follow-up lies: a session must go by its cookie, never by anything shared.
  const second = await Promise.all(order.map((who) => send(app, mine[who]!.cookie, `/?who=${N + who}`)))
  const reader = probe({ now: () => T0 })
  await Promise.all(
    second.map(async (s, k) => {
      const who = order[k]!
      const seen = JSON.parse(s.body) as Seen
      deepEqual(seen, { ...mine[who]!.seen, count: 2 }, `request ${who} got its own session`)
      // The cookie it carries away opens to its own data and nobody else's.
      const res = await reader.app(request('/', s.cookie!))
      const view = (await res.json()) as { data: Record<string, unknown> }
      deepEqual(view.data, { who, secret: mine[who]!.seen.secret, count: 2 })
    }),
  )
  deepEqual(reader.reasons, [])
  return 2 * N
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms))

/** A byte secret whose slice() is a view, not a copy, as Buffer#slice() is on Node; portable. */
class BufferLike extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    return this.subarray(start, end) as Uint8Array<ArrayBuffer>
  }
}

describe('SECURITY-CASES', () => {
  describe('Concurrency and runtimes', () => {
    test('many concurrent requests with different sessions through one wrapped handler', async () => {
      const app = wrap((req, s) => interleaved(req, s, calls++), { now: () => T0 })
      const requests = await noCrossTalk(app)
      // And through the Hono middleware.
      const hono = new Hono<SessionEnv<AnyData>>()
      hono.use(honoSession({ secret: SECRET, now: () => T0 }))
      hono.get('/', (c) => interleaved(c.req.raw, c.var.session, calls++))
      const viaHono = await noCrossTalk((r) => Promise.resolve(hono.fetch(r)))
      console.log(
        `  [concurrency] ${N} concurrent sessions, ${requests} requests through withSession and ${viaHono} through Hono: no cross-talk`,
      )
    })

    test('two servers clockSkew apart write the same session in turn, through login and renewal', async () => {
      const skew = 60
      const ahead = clock(T0 + skew * SECOND)
      const behind = clock(T0)
      const options = { clockSkew: skew, maxAge: 8 * 3600, idleTimeout: 3600, renewThreshold: 1 }
      const servers = [visits({ ...options, now: ahead.now }), visits({ ...options, now: behind.now })]
      let cookie = (await send(servers[0]!, undefined, '/login')).cookie!
      for (let i = 1; i <= 20; i++) {
        ahead.advance(10 * SECOND)
        behind.advance(10 * SECOND)
        // Alternate servers; every third request logs in again on the server ahead.
        const server = servers[i % 2]!
        const path = i % 3 === 0 ? '/login' : '/'
        const sent = await send(server, cookie, path)
        const seen = JSON.parse(sent.body)
        equal(seen.isNew, false, `request ${i} kept the session`)
        equal(seen.n, i + 1)
        cookie = sent.cookie ?? cookie
        // And the other server reads what this one wrote.
        const other = servers[(i + 1) % 2]!
        equal(JSON.parse((await send(other, cookie, '/read')).body).isNew, false, `request ${i} read back`)
      }
    })

    test('a clock that steps back after a login does not make the next write unreadable', async () => {
      const t = clock(T0 + 30 * SECOND)
      const app = visits({ now: t.now })
      const { cookie } = await send(app, undefined, '/login')
      t.set(T0) // NTP stepped the clock back 30 s
      const next = await send(app, cookie)
      equal(JSON.parse(next.body).n, 2)
      const after = await send(app, next.cookie!, '/read')
      equal(JSON.parse(after.body).isNew, false)
    })

    test('a secret given as a Buffer (whose slice() is a view) is copied at setup: wiping it later changes nothing', async () => {
      const pool = new BufferLike(96)
      crypto.getRandomValues(pool)
      const original = Uint8Array.from(pool.subarray(32, 64))
      const app = visits({ secret: new BufferLike(pool.buffer, 32, 32) })
      pool.fill(0) // the app wipes or reuses its buffer after setup, before the first request
      const { cookie } = await send(app)
      // Sealed with the original bytes: another app with a copy of them opens it...
      equal(JSON.parse((await send(visits({ secret: original }), cookie, '/read')).body).n, 1)
      // ...and one with the zeroed bytes (a forger's guess) does not.
      const zeros = new Uint8Array(32)
      zeros[0] = 1
      equal(JSON.parse((await send(visits({ secret: zeros }), cookie, '/read')).body).isNew, true)
    })

    test('an onInvalid hook that throws, rejects or hangs leaves the response as for no cookie, with no unhandled rejection', async () => {
      const stop = watchUnhandled()
      const hooks: [string, () => unknown][] = [
        [
          'throws',
          () => {
            throw new Error('hook')
          },
        ],
        ['rejects', () => Promise.reject(new Error('hook'))],
        [
          'async throws',
          async () => {
            throw new Error('hook')
          },
        ],
        [
          'async throws later',
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 0))
            throw new Error('hook')
          },
        ],
        ['hangs', () => new Promise(() => {})],
      ]
      for (const [what, onInvalid] of hooks) {
        const app = visits({ onInvalid, now: () => T0 })
        const junk = await send(app, 'session=junk', '/read')
        const none = await send(app, undefined, '/read')
        equal(junk.response.status, 200, what)
        equal(junk.body, none.body, what)
        deepEqual(junk.setCookies, [], what)
      }
      await tick()
      if (stop) equal(stop(), 0, 'no unhandled rejection')
      else if (env.ci) throw new Error(`no unhandled-rejection hook on ${env.runtime}`)
      else console.log(`  [concurrency] skipped the unhandled-rejection count: no hook on ${env.runtime}`)
    })

    test('the first requests arrive together while keys are being imported', async () => {
      const stop = watchUnhandled()
      const fresh = () =>
        `burst-${crypto.randomUUID()}-${base64urlEncode(crypto.getRandomValues(new Uint8Array(16)))}`
      for (const mode of ['encrypted', 'signed'] as const) {
        const secret = fresh()
        const counts = await countSubtle(async () => {
          const app = wrap(
            (_r, s) => {
              s.set('n', 1)
              return new Response(null)
            },
            { secret, mode },
          )
          const sent = await Promise.all(Array.from({ length: N }, () => send(app)))
          for (const s of sent) ok(s.cookie)
        })
        deepEqual(
          [counts.importKey, counts.deriveKey, counts.deriveBits],
          [1, 1, 1],
          `${mode}: keys derived once`,
        )
        equal(counts[mode === 'encrypted' ? 'encrypt' : 'sign'], N)
      }
      // Options given as a function that builds a new object per request (reading env on
      // Workers): still one import for one secret.
      const secret = fresh()
      const built = withSession(
        (_r, s) => new Response(s.id),
        () => ({ secret }),
      )
      const counts = await countSubtle(() => Promise.all(Array.from({ length: N }, () => built(request()))))
      equal(counts.importKey, 1, 'options as a function: one import')
      // An import that fails (a fake: no real runtime fails on cue) fails every waiting request
      // with the same error, leaves no unhandled rejection, and is not cached: it is tried again
      // on the next request.
      const broken = wrap((_r, s) => new Response(s.id), { secret: fresh() })
      const injected = new Error('injected deriveKey failure')
      const failures = await countSubtle(() =>
        failing('deriveKey', injected, async () => {
          const results = await Promise.allSettled(Array.from({ length: N }, () => broken(request())))
          for (const r of results) equal((r as PromiseRejectedResult).reason, injected)
        }),
      )
      equal(failures.importKey, 1, 'one shared attempt for all concurrent requests')
      const again = await countSubtle(() => broken(request()))
      equal(again.importKey, 1, 'the failure was not cached')
      await tick()
      if (stop) equal(stop(), 0, 'no unhandled rejection')
      else if (env.ci) throw new Error(`no unhandled-rejection hook on ${env.runtime}`)
      else console.log(`  [concurrency] skipped the unhandled-rejection check: no hook on ${env.runtime}`)
    })

    test('the same verdicts on every runtime: a fingerprint of 600 outcomes per frozen vector matches the frozen one', async () => {
      // Fixed tokens (the frozen vectors), deterministic mutations and a fixed clock: every
      // runtime must reach exactly the same outcomes, so their digest is frozen here.
      const rng = new Rng(20260101)
      const lines: string[] = []
      for (const v of vectors) {
        const options: Partial<SessionOptions> = {
          secret: v.secret,
          mode: v.mode as 'encrypted' | 'signed',
          cookie: { name: v.name },
          now: () => v.touched + 1000,
        }
        const p = probe(options)
        const inputs = [v.token, `${v.token}A`, v.token.slice(0, -1), `"${v.token}"`]
        for (let i = 0; i < 596; i++) {
          const at = rng.int(v.token.length)
          const c = rng.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~=%"')
          inputs.push(
            rng.chance(0.2) ? v.token.slice(0, at) : v.token.slice(0, at) + c + v.token.slice(at + 1),
          )
        }
        for (const value of inputs) {
          const before = p.reasons.length
          const res = await p.app(request('/', `${v.name}=${value}`))
          const view = (await res.json()) as { isNew: boolean; data: unknown }
          const reason: InvalidReason | undefined = p.reasons[before]
          lines.push(view.isNew ? `${value} ${reason}` : `${value} ok ${JSON.stringify(view.data)}`)
        }
      }
      equal(lines.length, vectors.length * 600)
      const digest = base64urlEncode(
        new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(lines.join('\n')))),
      )
      console.log(`  [concurrency] verdict fingerprint over ${lines.length} outcomes: ${digest}`)
      equal(digest, FINGERPRINT, 'verdicts differ from the frozen fingerprint')
    })

    test('a key cache under churn: 40 secrets at once, each request still opens only its own', async () => {
      const secrets = Array.from({ length: 40 }, (_, i) => `churn-${i}-${SECRET}`)
      const apps = secrets.map((secret) =>
        wrap(
          (req, s) => {
            if (!s.has('k')) s.set('k', new URL(req.url).searchParams.get('k'))
            return new Response(String(s.get('k')))
          },
          { secret },
        ),
      )
      const first = await Promise.all(
        apps.flatMap((app, k) => Array.from({ length: 10 }, () => send(app, undefined, `/?k=${k}`))),
      )
      const again = await Promise.all(first.map((f, i) => send(apps[Math.floor(i / 10)]!, f.cookie, '/?k=x')))
      for (const [i, s] of again.entries()) equal(s.body, String(Math.floor(i / 10)))
      // A cookie of one secret never opens under another, whatever the cache holds.
      const crossed = await Promise.all(
        first.map((f, i) => send(apps[(Math.floor(i / 10) + 1) % 40]!, f.cookie, '/?k=other')),
      )
      for (const s of crossed) equal(s.body, 'other')
    })

    test('documented limit: parallel requests of one session are last-write-wins', async () => {
      // SECURITY.md: the cookie is the only copy of the session, so two requests that both
      // change it race, and the browser keeps whichever Set-Cookie arrives last.
      const app = wrap(
        async (_r, s) => {
          const n = ((s.get('n') as number) ?? 0) + 1
          await Promise.resolve()
          s.set('n', n)
          return new Response(String(n))
        },
        { now: () => T0 },
      )
      const { cookie } = await send(app)
      const [a, b] = await Promise.all([send(app, cookie), send(app, cookie)])
      deepEqual([a.body, b.body], ['2', '2'], 'both increments saw 1: one of them is lost')
    })
  })
})

const FINGERPRINT = 'MTtDMB9dhLX3jl4jxGVSLLVGYIxX2f3VepoxtO59oXA'
