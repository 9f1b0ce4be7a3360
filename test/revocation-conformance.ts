// One conformance suite for every revocation store, written once and run per store (memory here
// on every runtime; Redis, Workers KV, Durable Objects and Deno KV where their runtime has them:
// test/revocation-stores.test.ts). It checks the store contract (absent keys, raise never lowers,
// concurrent revocations, expiry) and revocation through real sessions on two "servers" (two
// processes' worth of memory) sharing the store, with a fake clock. Also the helpers that drive
// the revocation gate directly, as the core does: `gateOf` and `admission`.
import { createSessionStore, type InvalidReason } from 'sealed-session'
import {
  type Revocation,
  type RevocationOptions,
  type RevocationStore,
  revocation,
} from 'sealed-session/revocation'
import type { Admission, GateInstance, Verdict } from '../src/core/extensions.ts'
import { deepEqual, equal, ok, testOn } from './harness.ts'

export const SECRET = 'revocation-test-secret-0123456789abcdef'

export interface Data {
  user?: string
  count?: number
}

/** A store for one test, and how to let go of it (a client connection). */
export interface Opened {
  readonly store: RevocationStore
  readonly close?: () => Promise<void> | void
}

export interface Capabilities {
  /**
   * How entries are seen to expire: `fake` (the store takes the test's clock), `real` (a short
   * TTL and a real wait), `none` (a minimum TTL too long to wait for, or lazy deletion).
   */
  readonly expiry: 'fake' | 'real' | 'none'
  /** Concurrent raises keep the greatest value (compare-and-set, a script, one writer). */
  readonly atomic: boolean
}

export class Clock {
  constructor(public at = Date.now()) {}
  readonly now = (): number => this.at
  advance(ms: number): void {
    this.at += ms
  }
}

export const unique = (): string => crypto.randomUUID()

const DAY_MS = 24 * 3600 * 1000

/** The gate instance `revoker` gives a session store with these limits, set up as the core does. */
export function gateOf(
  revoker: Revocation<Data>,
  limits: { maxAgeMs?: number; skewMs?: number } = {},
): GateInstance {
  return revoker.setup({
    cookieName: 'session',
    maxAgeMs: limits.maxAgeMs ?? 14 * DAY_MS,
    idleMs: 3 * DAY_MS,
    skewMs: limits.skewMs ?? 60_000,
    secrets: [],
    legacy: false,
  })
}

/**
 * An opened session as the core shows it to a gate: its data, and when it was issued
 * (`-Infinity` for one opened from an old library's cookie). `createdAt` is when it was minted.
 */
export function admission(data: Data, issuedAt: number, createdAt = Date.now()): Admission {
  const session = {
    id: unique(),
    createdAt,
    lifetime: { persistent: true, maxAge: 14 * 24 * 3600, idleTimeout: 3 * 24 * 3600 },
    isNew: false,
    get: (key: string) => (data as Record<string, unknown>)[key],
  }
  return { session, issuedAt, header: null, request: undefined, state: {}, now: Date.now() }
}

/** A gate's answer, awaited. */
export const verdictOf = async (verdict: Verdict | Promise<Verdict>): Promise<Verdict> => verdict

/** One server: its own session store and revocation memory, over a shared revocation store. */
export function server(
  store: RevocationStore,
  clock: Clock,
  options: Partial<RevocationOptions<Data>> = {},
  clockSkew?: number,
) {
  const reasons: InvalidReason[] = []
  const revoker = revocation<Data>({ store, subject: (s) => s.get('user'), now: clock.now, ...options })
  const sessions = createSessionStore<Data>({
    secret: SECRET,
    now: clock.now,
    revocation: revoker,
    onInvalid: (reason) => reasons.push(reason),
    ...(clockSkew === undefined ? {} : { clockSkew }),
  })
  /** A fresh login of `user`: the cookie pair the browser would send back. */
  async function login(user: string): Promise<string> {
    const session = await sessions.load(null)
    session.regenerate()
    session.set('user', user)
    const [cookie] = (await sessions.commit(session)).setCookie
    return cookie!.split(';')[0]!
  }
  /** A request carrying `cookie`; `change` runs as the handler would. */
  async function visit(cookie: string, change?: (s: Awaited<ReturnType<typeof sessions.load>>) => unknown) {
    const session = await sessions.load(cookie)
    await change?.(session)
    const setCookies = (await sessions.commit(session)).setCookie
    return { session, setCookies, user: session.get('user') }
  }
  return { revoker, sessions, reasons, login, visit }
}

/** Registers the conformance suite for one store, on the runtimes `on` matches. */
export function conformance(
  label: string,
  open: (clock: Clock) => Promise<Opened>,
  caps: Capabilities,
  on: RegExp = /./,
): void {
  const t = (name: string, fn: (opened: Opened, clock: Clock) => Promise<void>) =>
    testOn(on, `revocation store ${label} › ${name}`, async () => {
      const clock = new Clock()
      const opened = await open(clock)
      try {
        await fn(opened, clock)
      } finally {
        await opened.close?.()
      }
    })

  t('reads nothing for keys never written, in the order asked', async ({ store }) => {
    deepEqual(await store.get([unique(), unique()]), [undefined, undefined])
  })

  t(
    'raise keeps the greater value: a later revocation wins, an earlier one never lowers it',
    async ({ store }) => {
      const [a, b] = [unique(), unique()]
      await store.raise(a, 1_000, 3_600_000)
      await store.raise(a, 500, 3_600_000)
      deepEqual(await store.get([b, a]), [undefined, 1_000])
      await store.raise(a, 2_000, 3_600_000)
      deepEqual(await store.get([a]), [2_000])
    },
  )

  t(
    caps.atomic
      ? 'concurrent revocations of one key keep the latest moment'
      : 'concurrent revocations of one key leave one of the moments written (no compare-and-set: last write wins)',
    async ({ store }) => {
      const key = unique()
      const values = [7, 3, 8, 1, 5, 2, 6, 4].map((v) => 1_700_000_000_000 + v)
      await Promise.all(values.map((v) => store.raise(key, v, 3_600_000)))
      const [got] = await store.get([key])
      if (caps.atomic) equal(got, Math.max(...values))
      else ok(got !== undefined && values.includes(got), `got ${got}`)
    },
  )

  if (caps.expiry !== 'none') {
    t('an entry expires after its time to live', async ({ store }, clock) => {
      const key = unique()
      await store.raise(key, 1, caps.expiry === 'real' ? 40 : 1_000)
      deepEqual(await store.get([key]), [1])
      if (caps.expiry === 'real') await new Promise((r) => setTimeout(r, 150))
      else clock.advance(1_001)
      deepEqual(await store.get([key]), [undefined])
    })
  }

  const shared = (opened: Opened, c: Clock) => ({
    c,
    a: server(opened.store, c, { checkInterval: 0 }),
    b: server(opened.store, c, { checkInterval: 0 }),
  })

  t(
    'a session revoked by id on one server is refused by another, and only that session',
    async (opened, clock) => {
      const { a, b } = shared(opened, clock)
      const user = unique()
      const [first, second] = [await a.login(user), await a.login(user)]
      const victim = await b.visit(first)
      equal(victim.user, user)
      await b.revoker.revoke(victim.session)
      equal((await a.visit(first)).user, undefined)
      deepEqual(a.reasons, ['revoked'])
      equal((await a.visit(second)).user, user, 'the same subject on another device lives on')
    },
  )

  t(
    'log out everywhere: every session of the subject issued before is refused; a later login and other subjects live',
    async (opened, clock) => {
      const { c, a, b } = shared(opened, clock)
      const [ada, bob] = [unique(), unique()]
      const [phone, laptop, other] = [await a.login(ada), await b.login(ada), await a.login(bob)]
      c.advance(5 * 60_000)
      await a.revoker.revokeSubject(ada)
      c.advance(1_000)
      const fresh = await b.login(ada)
      equal((await b.visit(phone)).user, undefined)
      equal((await a.visit(laptop)).user, undefined)
      equal((await b.visit(other)).user, bob)
      equal((await a.visit(fresh)).user, ada)
    },
  )

  t(
    'a subject of 600 bytes is revoked like a short one, and only it (its key is hashed: stores limit key length)',
    async (opened, clock) => {
      const { c, a, b } = shared(opened, clock)
      const long = `${'é'.repeat(290)}${unique()}`
      const [victim, twin] = [await a.login(`${long}a`), await a.login(`${long}b`)]
      c.advance(5 * 60_000)
      await b.revoker.revokeSubject(`${long}a`)
      equal((await a.visit(victim)).user, undefined)
      equal((await a.visit(twin)).user, `${long}b`, 'a subject that differs in its last byte lives')
    },
  )

  t(
    'clock skew: a revocation on a server 50 s ahead does not end a login made just after on one behind',
    async (opened, c) => {
      const ahead = new Clock(c.at + 50_000)
      const a = server(opened.store, ahead, { checkInterval: 0 })
      const b = server(opened.store, c, { checkInterval: 0 })
      const user = unique()
      const old = await b.login(user)
      c.advance(10 * 60_000)
      ahead.advance(10 * 60_000)
      await a.revoker.revokeSubject(user)
      c.advance(1_000)
      const fresh = await b.login(user)
      equal((await b.visit(fresh)).user, user, 'the fresh login lives')
      equal((await b.visit(old)).user, undefined, 'the old session is revoked')
    },
  )
}
