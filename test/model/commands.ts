// The commands of the model-based store test (fast-check `fc.commands`): requests that change the
// session, clock steps, secret rotation, revocation, an unreachable revocation store, the old
// library's cookie, an attacker replaying cookies copied earlier (with or without the bound
// cookie), and a DBSC browser registering and refreshing through the endpoints. Each runs on the
// real world and the reference model, and the model checks the outcome.

import * as fc from 'fast-check'
import {
  BOUND_MS,
  boundName,
  CHALLENGE_MS,
  type EndpointResult,
  refreshStatuses,
  registerStatuses,
  resealed,
  withoutBound,
} from './binding.ts'
import { hasLegacyPair, Reference } from './reference.ts'
import { type Config, type Op, REQUEST_PATH, SKEW, World } from './world.ts'

type Command = fc.AsyncCommand<Reference, World>

const HOUR = 3_600_000
/** Forward steps: within the renewal window, past it, past the idle timeout, toward maxAge. */
const FORWARD = [1_000, 90_000, HOUR, 2 * HOUR, 4 * HOUR, 13 * HOUR]
/** Backward steps, each within the clock skew; the clock never falls further behind than that. */
const BACKWARD = [1_000, 30_000, 59_000]
/** Big enough that, with chunking on, the session spans two cookies. */
const BIG = 'x'.repeat(5_000)

const FLAGS = ['revocation', 'legacy', 'chunking', 'named', 'optionsFn', 'deviceBound'] as const
/** The first seed: configuration `i` of the matrix runs with seed `SEED + i`. */
export const SEED = 19_000
export const MAX_COMMANDS = 30

/** Every combination of the flags, each on and off. */
export function matrix(): Config[] {
  return Array.from({ length: 2 ** FLAGS.length }, (_, bits) => {
    const entries = FLAGS.map((flag, i) => [flag, (bits & (1 << i)) !== 0])
    return Object.fromEntries(entries) as unknown as Config
  })
}

/** `(revocation, legacy)`: the flags that are on, as test titles name a configuration. */
export function label(cfg: Config): string {
  const on = FLAGS.filter((flag) => cfg[flag])
  return `(${on.length > 0 ? on.join(', ') : 'no options'})`
}

/** A new model and world for one run. */
export function setup(cfg: Config, ignore?: ReadonlySet<string>): () => { model: Reference; real: World } {
  return () => ({ model: new Reference(cfg, ignore), real: new World(cfg) })
}

/** One request from the browser: the app runs `ops`, the response's cookies reach the jar. */
class RequestCommand implements Command {
  /** `dbsc`: a DBSC browser, which refreshes before sending a bound session's request without its bound cookie, and registers straight after a login that asks it to. */
  constructor(
    readonly ops: readonly Op[],
    readonly dbsc = false,
  ) {}
  check = () => true
  async run(m: Reference, w: World): Promise<void> {
    if (this.dbsc) {
      for (const i of m.held.keys()) {
        const holds = w.jar.sent(REQUEST_PATH, w.now).some((c) => c.name === boundName(w.names[i]!))
        if (m.binding.dbsc[i] !== undefined && !holds) await refreshNow(m, w, i)
      }
    }
    const header = w.jar.header(REQUEST_PATH, w.now)
    m.purge()
    const legacy = hasLegacyPair(header)
    const outcomes = m.held.map((held, i) => m.expect(i, held, legacy, header))
    m.remember(header)
    const ts = await w.request(this.ops, header)
    for (const t of ts) w.jar.apply(t.lines, w.now)
    m.settle(outcomes, this.ops, ts, header, w.jar)
    if (this.dbsc) {
      for (const i of m.held.keys()) if (ts[i]!.registration !== undefined) await registerNow(m, w, i)
    }
  }
  toString(): string {
    return `request${this.dbsc ? '[dbsc]' : ''}(${this.ops.map(showOp).join(', ')})`
  }
}

/**
 * An attacker sends the cookies the browser sent `k` requests ago (mod the ones kept), from
 * another machine: with the bound cookie it copied, or without it (`unbound`).
 */
class ReplayCommand implements Command {
  constructor(
    readonly k: number,
    readonly unbound = false,
  ) {}
  check = (m: Readonly<Reference>) => m.snapshots.length > 0
  async run(m: Reference, w: World): Promise<void> {
    const snapshot = m.snapshot(this.k)!
    const header = this.unbound ? withoutBound(snapshot.header) : snapshot.header
    const legacy = hasLegacyPair(header)
    const outcomes = snapshot.held.map((held, i) => m.expect(i, held, legacy, header))
    const ts = await w.request([], header)
    for (const [i, t] of ts.entries()) m.opened(i, outcomes[i]!, t)
  }
  toString(): string {
    return `replay(${this.k}${this.unbound ? ', without the bound cookie' : ''})`
  }
}

/** The DBSC browser registers the challenge store `i`'s last login response carried (once). */
class RegisterCommand implements Command {
  constructor(readonly i: number) {}
  check = (m: Readonly<Reference>) => m.binding.pending[this.i] !== undefined
  run = (m: Reference, w: World) => registerNow(m, w, this.i)
  toString(): string {
    return `dbsc register${this.i === 0 ? '' : `@${this.i}`}`
  }
}

/** The DBSC browser refreshes its session of store `i`: a 403 challenge, then a signed proof. */
class RefreshCommand implements Command {
  constructor(readonly i: number) {}
  check = (m: Readonly<Reference>) => m.binding.dbsc[this.i] !== undefined
  run = (m: Reference, w: World) => refreshNow(m, w, this.i)
  toString(): string {
    return `dbsc refresh${this.i === 0 ? '' : `@${this.i}`}`
  }
}

async function registerNow(m: Reference, w: World, i: number): Promise<void> {
  const pending = m.binding.pending[i]
  if (pending === undefined) return
  m.binding.pending[i] = undefined
  m.purge()
  const allowed = registerStatuses(m, i, pending)
  const r = await w.register(i, pending.challenge)
  endpointChecks(m, 'register', allowed, r)
  if (r.statuses[0] !== 200) return
  m.binding.dbsc[i] = r.id
  settleEndpoint(m, w, i, r)
}

async function refreshNow(m: Reference, w: World, i: number): Promise<void> {
  const id = m.binding.dbsc[i]!
  m.purge()
  const allowed = refreshStatuses(m, i, id)
  const r = await w.refresh(i, id)
  const status = r.statuses.at(-1)!
  endpointChecks(m, 'refresh', allowed, r)
  if (status === 200 && r.statuses[0] !== 403)
    m.fail('refresh', `a refresh answered ${r.statuses} (no challenge first)`)
  // Any 4xx but 403 ends the browser's DBSC session (W3C DBSC draft); a 5xx does not.
  if (status >= 400 && status < 500) m.binding.dbsc[i] = undefined
  if (status === 200) settleEndpoint(m, w, i, r)
}

/** The endpoint's final status is one the model allows; a refusal wrote no cookie. */
function endpointChecks(m: Reference, what: string, allowed: number[], r: EndpointResult): void {
  const status = r.statuses.at(-1)!
  if (!allowed.includes(status)) m.fail(what, `${what} answered ${r.statuses}; the model allows ${allowed}`)
  if (status !== 200 && r.lines.length > 0)
    m.fail('endpoint-wrote', `${what} answered ${status} and wrote ${r.lines}`)
}

/** A 200: the session re-sealed with its binding and a new bound cookie, both now in the jar. */
function settleEndpoint(m: Reference, w: World, i: number, r: EndpointResult): void {
  const name = w.names[i]!
  if (!r.lines.some((line) => line.startsWith(`${name}=`) || line.startsWith(`${name}.`))) {
    m.fail('endpoint-reseal', `an endpoint's 200 did not re-seal the session: ${r.lines}`)
  }
  if (!m.binding.record(name, r.lines, r.id!, m.now))
    m.fail('endpoint-bound', `no bound cookie in ${r.lines}`)
  resealed(m, i, r.id!)
}

class TickCommand implements Command {
  constructor(readonly ms: number) {}
  check = () => true
  async run(m: Reference, w: World): Promise<void> {
    m.now = Math.max(m.now + this.ms, m.highWater - (SKEW * 1000 - 1_000))
    m.highWater = Math.max(m.highWater, m.now)
    w.now = m.now
  }
  toString(): string {
    return `clock(${this.ms > 0 ? '+' : ''}${this.ms / 1000}s)`
  }
}

/** A command that only changes the world and the model, with nothing to check by itself. */
class ActionCommand implements Command {
  constructor(
    readonly name: string,
    readonly action: (m: Reference, w: World) => void | Promise<void>,
  ) {}
  check = () => true
  async run(m: Reference, w: World): Promise<void> {
    await this.action(m, w)
  }
  toString(): string {
    return this.name
  }
}

async function revokeSubject(user: string, m: Reference, w: World): Promise<void> {
  // The app cannot revoke while the store is unreachable (revokeSubject throws): it does not try.
  if (w.down) return
  const at = await w.revoker!.revokeSubject(user)
  m.revokedAt.set(user, Math.max(at, m.revokedAt.get(user) ?? at))
}

/** One thing the app may do to a session. */
function ops(cfg: Config): fc.Arbitrary<Op> {
  const store = cfg.named ? fc.constantFrom(0, 1) : fc.constant(0)
  const entry = fc.oneof(
    fc.constantFrom('ada', 'bob').map((value) => ['user', value] as const),
    fc.integer({ min: 0, max: 3 }).map((value) => ['n', value] as const),
    ...(cfg.chunking ? [fc.constantFrom(BIG, 'small').map((value) => ['blob', value] as const)] : []),
  )
  const key = fc.constantFrom('notice', 'error')
  const lifetime = fc.record({
    persistent: fc.boolean(),
    maxAge: fc.constantFrom(HOUR / 1000, 24 * 3600),
    idleTimeout: fc.constantFrom(1800, 3 * 3600),
  })
  const on = <T>(arb: fc.Arbitrary<T>, make: (s: number, value: T) => Op) =>
    fc.tuple(store, arb).map(([s, value]) => make(s, value))
  const message = fc.tuple(key, fc.constantFrom('hi', 'bye'))
  const bind = cfg.deviceBound
    ? [{ weight: 1, arbitrary: on(fc.constant(0), (s): Op => ({ kind: 'bind', store: s })) }]
    : []
  return fc.oneof(
    ...bind,
    { weight: 3, arbitrary: on(entry, (s, [k, value]) => ({ kind: 'set', store: s, key: k, value })) },
    { weight: 2, arbitrary: on(message, (s, [k, value]) => ({ kind: 'flash', store: s, key: k, value })) },
    { weight: 2, arbitrary: on(key, (s, k) => ({ kind: 'readFlash', store: s, key: k })) },
    { weight: 2, arbitrary: on(fc.constant(0), (s) => ({ kind: 'destroy', store: s })) },
    { weight: 1, arbitrary: on(fc.constant(0), (s) => ({ kind: 'regenerate', store: s })) },
    { weight: 1, arbitrary: on(lifetime, (s, l) => ({ kind: 'setLifetime', store: s, lifetime: l })) },
    ...(cfg.revocation
      ? [{ weight: 1, arbitrary: on(fc.constant(0), (s): Op => ({ kind: 'revoke', store: s })) }]
      : []),
  )
}

/** Ops the app runs together: one op, a login, or a logout followed by another op on that session. */
function opGroups(cfg: Config): fc.Arbitrary<Op[]> {
  const op = ops(cfg)
  return fc.oneof(
    { weight: 6, arbitrary: op.map((one) => [one]) },
    {
      weight: 2,
      arbitrary: fc.tuple(op, fc.constantFrom('ada', 'bob')).map(([{ store }, user]): Op[] => [
        { kind: 'regenerate', store },
        { kind: 'set', store, key: 'user', value: user },
      ]),
    },
    { weight: 2, arbitrary: op.map((next): Op[] => [{ kind: 'destroy', store: next.store }, next]) },
    // A login that offers "bind this session to my device".
    ...(cfg.deviceBound
      ? [
          {
            weight: 3,
            arbitrary: fc.tuple(op, fc.constantFrom('ada', 'bob')).map(([{ store }, user]): Op[] => [
              { kind: 'regenerate', store },
              { kind: 'set', store, key: 'user', value: user },
              { kind: 'bind', store },
            ]),
          },
        ]
      : []),
  )
}

/** The commands for `cfg`, requests the most frequent. */
export function commandArbitraries(cfg: Config): fc.Arbitrary<Command>[] {
  const groups = fc.array(opGroups(cfg), { maxLength: 3 })
  // With device binding, most requests come from a DBSC browser, some from one without.
  const request = cfg.deviceBound
    ? fc
        .tuple(groups, fc.constantFrom(true, true, true, false))
        .map(([g, dbsc]) => new RequestCommand(g.flat(), dbsc))
    : groups.map((g) => new RequestCommand(g.flat()))
  const out: fc.Arbitrary<Command>[] = [
    request,
    request,
    request,
    request,
    fc.constantFrom(...FORWARD, ...BACKWARD.map((ms) => -ms)).map((ms) => new TickCommand(ms)),
    fc.nat(7).map((k) => new ReplayCommand(k)),
    fc.constant(
      new ActionCommand('rotate secret', (m, w) => {
        w.rotate()
        m.gen++
      }),
    ),
    fc.constant(new ActionCommand('old library cookie', (_m, w) => w.plantLegacy())),
  ]
  if (cfg.deviceBound) {
    const store = cfg.named ? fc.constantFrom(0, 1) : fc.constant(0)
    out.push(
      store.map((i) => new RegisterCommand(i)),
      store.map((i) => new RegisterCommand(i)),
      store.map((i) => new RefreshCommand(i)),
      // Up to and across the challenge's and the bound cookie's expiry.
      fc
        .constantFrom(CHALLENGE_MS - 1_000, CHALLENGE_MS, BOUND_MS - 1_000, BOUND_MS)
        .map((ms) => new TickCommand(ms)),
      fc.nat(7).map((k) => new ReplayCommand(k, true)),
    )
  }
  if (cfg.revocation) {
    out.push(
      fc
        .constantFrom('ada', 'bob')
        .map((u) => new ActionCommand(`revokeSubject(${u})`, (m, w) => revokeSubject(u, m, w))),
      // Another server, and days passing: what it knows of a revocation is what the store still
      // keeps, past the lifetime of every session of ours (an old library's cookie has none).
      fc.constant(new ActionCommand('another server', (_m, w) => w.restart())),
      fc.constant(new TickCommand(2 * 24 * HOUR)),
      fc.boolean().map(
        (down) =>
          new ActionCommand(down ? 'revocation store down' : 'revocation store up', (m, w) => {
            m.down = w.down = down
          }),
      ),
    )
  }
  return out
}

function showOp(op: Op): string {
  const at = op.store === 0 ? '' : `@${op.store}`
  switch (op.kind) {
    case 'set':
      return `set${at}(${op.key}=${typeof op.value === 'string' && op.value.length > 20 ? `<${op.value.length} chars>` : op.value})`
    case 'flash':
      return `flash${at}(${op.key}=${op.value})`
    case 'readFlash':
      return `flash${at}(${op.key})`
    case 'setLifetime':
      return `setLifetime${at}(${JSON.stringify(op.lifetime)})`
    default:
      return `${op.kind}${at}()`
  }
}
