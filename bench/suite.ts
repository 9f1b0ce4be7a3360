// The measurements, as one portable function per section returning plain data. bench/run.ts runs
// them on Node in-process and, bundled, on Bun, Deno and workerd, then prints the tables.

import type { Codec, CodecEntry } from './codecs.ts'
import { DATA, type Data, SIZES, type Size } from './data.ts'
import {
  type Case,
  countSubtleCalls,
  measure,
  nsPerOp,
  overheadRatio,
  ratio,
  type TimingOptions,
} from './harness.ts'
import { type AppEntry, loginCookie, SCENARIOS, type Scenario, scenarioOps } from './requests.ts'

export const OPS = ['seal', 'unseal', 'round trip'] as const
export type Op = (typeof OPS)[number]

export interface CodecRow {
  size: Size
  op: Op
  id: string
  ns: number
  /** Median over rounds of this candidate's time over the floor's, same size and operation. */
  ratio: number
}

export interface CodecFacts {
  id: string
  /** crypto.subtle calls per seal and per unseal (once keys are warm). */
  sealCalls: number
  unsealCalls: number
  /** `name=value` bytes of every cookie it writes, per size. */
  bytes: Record<Size, number>
}

/** Seals each fixture once, checks it opens to the same data, and counts calls and bytes. */
async function prepare(
  entry: CodecEntry,
): Promise<{ codec: Codec; tokens: Record<Size, string>; facts: CodecFacts }> {
  const codec = await entry.factory()
  const tokens = {} as Record<Size, string>
  const bytes = {} as Record<Size, number>
  for (const size of SIZES) {
    tokens[size] = await codec.seal(DATA[size])
    const back = (await codec.unseal(tokens[size])) as Data
    if (back.note !== DATA[size].note || back.count !== DATA[size].count) {
      throw new Error(`${entry.id} did not round-trip the ${size} fixture`)
    }
    bytes[size] = tokens[size].split('; ').reduce((n, pair) => n + pair.length, 0)
  }
  const small = DATA['56 B']
  const facts: CodecFacts = {
    id: entry.id,
    sealCalls: await countSubtleCalls(() => codec.seal(small)),
    unsealCalls: await countSubtleCalls(() => codec.unseal(tokens['56 B'])),
    bytes,
  }
  return { codec, tokens, facts }
}

/** A candidate that could not run here (a peer that does not support this runtime). */
export interface Skipped {
  id: string
  error: string
}

function why(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]!
    .slice(0, 160)
}

export async function codecSection(
  entries: readonly CodecEntry[],
  timing: TimingOptions,
  sizes: readonly Size[] = SIZES,
  ops: readonly Op[] = OPS,
): Promise<{ rows: CodecRow[]; facts: CodecFacts[]; skipped: Skipped[] }> {
  const prepared = []
  const skipped: Skipped[] = []
  for (const entry of entries) {
    try {
      prepared.push(await prepare(entry))
    } catch (error) {
      skipped.push({ id: entry.id, error: why(error) })
    }
  }
  const rows: CodecRow[] = []
  for (const size of sizes) {
    for (const op of ops) {
      const cases: Case[] = prepared.map(({ codec, tokens }) => ({
        id: codec.id,
        fn:
          op === 'seal'
            ? () => codec.seal(DATA[size])
            : op === 'unseal'
              ? () => codec.unseal(tokens[size])
              : async () => codec.unseal(await codec.seal(DATA[size])),
      }))
      const samples = await measure(cases, timing, ['floor'])
      for (const c of cases) {
        rows.push({ size, op, id: c.id, ns: nsPerOp(samples, c.id), ratio: ratio(samples, c.id, 'floor') })
      }
    }
  }
  return { rows, facts: prepared.map((p) => p.facts), skipped }
}

export interface RequestRow {
  size: Size
  scenario: Scenario
  id: string
  ns: number
  /** Time over the bare app's, in ns. */
  overhead: number
  /** Median over rounds of this app's overhead over the floor middleware's. */
  ratio: number
}

export interface AppFacts {
  id: string
  /** crypto.subtle calls per request, per scenario. */
  calls: Record<Scenario, number>
  /** Set-Cookie values written per request, per scenario. */
  writes: Record<Scenario, number>
  /** `name=value` bytes of the cookie(s) holding the fixture session, per size. */
  bytes: Partial<Record<Size, number>>
}

export async function requestSection(
  entries: readonly AppEntry[],
  timing: TimingOptions,
  sizes: readonly Size[],
): Promise<{ rows: RequestRow[]; facts: AppFacts[]; skipped: Skipped[] }> {
  const rows: RequestRow[] = []
  const facts = new Map<string, AppFacts>()
  const skipped: Skipped[] = []
  for (const size of sizes) {
    const ops = new Map<string, Record<Scenario, () => Promise<string[]>>>()
    for (const entry of entries) {
      if (skipped.some((s) => s.id === entry.id)) continue
      let fetch: Awaited<ReturnType<AppEntry['build']>>
      let scenario: Record<Scenario, () => Promise<string[]>>
      try {
        fetch = await entry.build(DATA[size])
        scenario = await scenarioOps(fetch)
        for (const s of SCENARIOS) await scenario[s]()
      } catch (error) {
        skipped.push({ id: entry.id, error: why(error) })
        continue
      }
      ops.set(entry.id, scenario)
      const f = facts.get(entry.id) ?? {
        id: entry.id,
        calls: {} as Record<Scenario, number>,
        writes: {} as Record<Scenario, number>,
        bytes: {},
      }
      facts.set(entry.id, f)
      if (entry.id !== 'bare') f.bytes[size] = (await loginCookie(fetch)).length
      if (size === sizes[0]) {
        for (const s of SCENARIOS) {
          let written: string[] = []
          f.calls[s] = await countSubtleCalls(async () => {
            written = await scenario[s]()
          })
          f.writes[s] = written.length
        }
      }
    }
    for (const scenario of SCENARIOS) {
      const cases: Case[] = [...ops].map(([id, op]) => ({ id, fn: op[scenario] }))
      const samples = await measure(cases, timing, ['bare', 'floor'])
      for (const c of cases) {
        rows.push({
          size,
          scenario,
          id: c.id,
          ns: nsPerOp(samples, c.id),
          overhead: nsPerOp(samples, c.id) - nsPerOp(samples, 'bare'),
          ratio: overheadRatio(samples, c.id, 'floor', 'bare'),
        })
      }
    }
  }
  return { rows, facts: [...facts.values()], skipped }
}

export interface TrafficRow {
  id: string
  ns: number
  /** Time over the bare app's, in ns. */
  overhead: number
  /** Median over rounds of this app's overhead over the floor middleware's. */
  ratio: number
  /** crypto.subtle calls per 100 requests of the mix. */
  callsPer100: number
}

/**
 * Read-mostly traffic: `users` sessions, each request picks the next user in turn and reads its
 * session, or, one time in `writeEvery` (a fixed pseudo-random pattern), increments it and keeps
 * the new cookie, as a browser would.
 */
export async function trafficOp(
  fetch: (r: Request) => Response | Promise<Response>,
  users = 64,
  writeEvery = 10,
) {
  const cookies: string[] = []
  for (let u = 0; u < users; u++) cookies.push(await loginCookie(fetch))
  let i = 0
  let seed = 12345
  return async (): Promise<void> => {
    const u = i++ % users
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff
    const write = seed % writeEvery === 0
    const response = await fetch(
      new Request(`http://localhost${write ? '/inc' : '/read'}`, { headers: { cookie: cookies[u]! } }),
    )
    const set = response.headers.getSetCookie()[0]
    if (set !== undefined) cookies[u] = set.split(';')[0]!
  }
}

export async function trafficSection(
  entries: readonly AppEntry[],
  timing: TimingOptions,
): Promise<TrafficRow[]> {
  const cases: Case[] = []
  const calls = new Map<string, number>()
  for (const entry of entries) {
    const fetch = await entry.build(DATA['56 B'])
    const probe = await trafficOp(fetch)
    calls.set(
      entry.id,
      await countSubtleCalls(async () => {
        for (let k = 0; k < 100; k++) await probe()
      }),
    )
    cases.push({ id: entry.id, fn: await trafficOp(fetch) })
  }
  const samples = await measure(cases, timing, ['bare', 'floor'])
  return cases.map((c) => ({
    id: c.id,
    ns: nsPerOp(samples, c.id),
    overhead: nsPerOp(samples, c.id) - nsPerOp(samples, 'bare'),
    ratio: overheadRatio(samples, c.id, 'floor', 'bare'),
    callsPer100: calls.get(c.id)!,
  }))
}
