// What the security tests share: an app that shows exactly what a request's session looks like,
// the check that a cookie came out as "no session" and left no trace, tokens that are authentic
// but carry whatever bytes a test wants (as if the key had sealed them), and a seeded PRNG so a
// failing fuzz or property run can be replayed. Portable: Web APIs only.

import { type InvalidReason, type Mode, type SessionOptions, withSession } from 'sealed-session'
import { base64urlEncode } from '../src/core/encoding.ts'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { AssertionError, deepEqual, equal } from './harness.ts'
import { request, SECRET, T0 } from './helpers.ts'

export type App = (request: Request) => Promise<Response>

/** An app that only reads its session and reports it, with every `onInvalid` call recorded. */
export interface Probe {
  readonly app: App
  /** Reasons given to `onInvalid`, in order. */
  readonly reasons: InvalidReason[]
  /** The request each reason came with (the hook must get the very request the app got). */
  readonly requests: Request[]
}

/** What the probe app answers: the same for every request that carries no valid session. */
export interface View {
  isNew: boolean
  populated: boolean
  data: Record<string, unknown>
}

export function probe(options: Partial<SessionOptions> = {}): Probe {
  const reasons: InvalidReason[] = []
  const requests: Request[] = []
  const app = withSession(
    (_req, session) =>
      Response.json({ isNew: session.isNew, populated: session.isPopulated, data: session.data } as View),
    {
      secret: SECRET,
      now: () => T0,
      ...options,
      onInvalid: (reason, req) => {
        reasons.push(reason)
        if (req) requests.push(req)
      },
    },
  )
  return { app, reasons, requests }
}

interface Snapshot {
  status: number
  headers: [string, string][]
  body: string
}

async function snapshot(response: Response): Promise<Snapshot> {
  return { status: response.status, headers: [...response.headers], body: await response.text() }
}

const baselines = new WeakMap<App, Promise<Snapshot>>()

/** What `app` answers to a request without any cookie. */
function baseline(app: App): Promise<Snapshot> {
  let found = baselines.get(app)
  if (found === undefined) {
    found = app(request('/')).then(snapshot)
    baselines.set(app, found)
  }
  return found
}

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

/** Runs `fn` with console output captured; returns what was printed. */
export async function silenced<T>(fn: () => Promise<T>): Promise<{ value: T; printed: unknown[][] }> {
  const printed: unknown[][] = []
  const saved = CONSOLE.map((m) => console[m])
  for (const m of CONSOLE) console[m] = (...args: unknown[]) => printed.push(args)
  try {
    return { value: await fn(), printed }
  } finally {
    CONSOLE.forEach((m, i) => {
      console[m] = saved[i]!
    })
  }
}

/**
 * Asserts the EMPTY outcome of docs/SECURITY-CASES.md for a request carrying `cookie`: no exception,
 * a new empty session, no `Set-Cookie`, nothing logged, the response byte-for-byte what a request
 * without any cookie gets (so nothing about the failure reaches the client), and exactly one
 * `onInvalid` call with one of `expected` (none when `expected` is empty: no cookie of ours).
 * Returns the reason reported.
 */
export async function expectEmpty(
  p: Probe,
  cookie: string | readonly string[],
  expected: InvalidReason | readonly InvalidReason[],
  label = typeof cookie === 'string' ? cookie : cookie.join(' | '),
): Promise<InvalidReason | undefined> {
  const allowed: readonly InvalidReason[] = typeof expected === 'string' ? [expected] : expected
  const before = p.reasons.length
  const req = request('/', cookie)
  const { value: response, printed } = await silenced(() => p.app(req))
  const what = label.length > 120 ? `${label.slice(0, 120)}…` : label
  equal(response.headers.getSetCookie().length, 0, `no Set-Cookie for ${what}`)
  deepEqual(await snapshot(response), await baseline(p.app), `response leaks nothing for ${what}`)
  equal(printed.length, 0, `nothing logged for ${what}`)
  const reported = p.reasons.slice(before)
  if (allowed.length === 0) {
    deepEqual(reported, [], `no onInvalid call without a cookie of ours for ${what}`)
    return undefined
  }
  equal(reported.length, 1, `one onInvalid call for ${what}`)
  const reason = reported[0]!
  if (!allowed.includes(reason)) {
    throw new AssertionError(`reason ${reason} for ${what}; expected one of ${allowed.join(', ')}`)
  }
  equal(p.requests.at(-1), req, 'onInvalid gets the request itself')
  return reason
}

/** Asserts the request carrying `cookie` opens a session and returns its data. */
export async function expectValid(p: Probe, cookie: string | readonly string[]): Promise<View> {
  const before = p.reasons.length
  const view = (await (await p.app(request('/', cookie))).json()) as View
  equal(view.isNew, false, `a valid session for ${String(cookie).slice(0, 80)}`)
  deepEqual(p.reasons.slice(before), [], 'no onInvalid call for a valid session')
  return view
}

/** Every reason a bad cookie can be given. */
export const ANY_REASON: readonly InvalidReason[] = [
  'oversize',
  'malformed',
  'version',
  'mode',
  'unknown-key',
  'tampered',
  'payload',
  'expired',
  'idle',
  'chunks',
]

// --- authentic tokens with arbitrary content --------------------------------------------------

/** 24 bytes of token metadata: created and touched as uint48 ms, then a 12-byte id. */
export function meta(created: number, touched = created, sid = new Uint8Array(12).fill(1)): Uint8Array {
  const out = new Uint8Array(24)
  const view = new DataView(out.buffer)
  for (const [at, ms] of [
    [0, created],
    [6, touched],
  ] as const) {
    view.setUint16(at, Math.floor(ms / 2 ** 32))
    view.setUint32(at + 2, ms >>> 0)
  }
  out.set(sid, 12)
  return out
}

export interface Crafted {
  /** Raw metadata bytes (any length: a test may want too few or too many). */
  meta: Uint8Array
  body: Uint8Array
  mode?: Mode
  name?: string
  secret?: string
  /** Header letter; `E`/`S` mark a compressed body. */
  letter?: string
}

/**
 * A token sealed with the real key, as this library would if it had been asked to seal these
 * exact bytes: the way to reach the checks that run after authentication.
 */
export async function craft(c: Crafted): Promise<string> {
  const mode = c.mode ?? 'encrypted'
  const name = c.name ?? 'session'
  const ring = await getKeyring(normalizeSecrets(c.secret ?? SECRET), mode)
  const header = `${c.letter ?? (mode === 'encrypted' ? 'e' : 's')}1${ring.current.id}`
  const te = new TextEncoder()
  if (mode === 'encrypted') {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const plaintext = new Uint8Array(c.meta.length + c.body.length)
    plaintext.set(c.meta)
    plaintext.set(c.body, c.meta.length)
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: te.encode(`${name}=${header}`) },
        ring.current.key,
        plaintext,
      ),
    )
    const out = new Uint8Array(12 + sealed.length)
    out.set(iv)
    out.set(sealed, 12)
    return `${header}.${base64urlEncode(out)}`
  }
  const signedPart = `${header}.${base64urlEncode(c.body)}.${base64urlEncode(c.meta)}`
  const mac = await crypto.subtle.sign('HMAC', ring.current.key, te.encode(`${name}=${signedPart}`))
  return `${signedPart}.${base64urlEncode(new Uint8Array(mac))}`
}

// --- a seeded PRNG ------------------------------------------------------------------------------

/** sfc32: small, fast, and the same sequence on every runtime for a given seed. */
export class Rng {
  #a: number
  #b: number
  #c: number
  #d: number
  readonly seed: number

  constructor(seed = crypto.getRandomValues(new Uint32Array(1))[0]!) {
    this.seed = seed >>> 0
    this.#a = 0x9e3779b9
    this.#b = 0x243f6a88
    this.#c = 0xb7e15162
    this.#d = this.seed
    for (let i = 0; i < 15; i++) this.u32()
  }

  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p
  }

  pick<T>(items: ArrayLike<T>): T {
    return items[this.int(items.length)]!
  }
}
