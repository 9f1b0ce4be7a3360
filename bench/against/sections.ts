// The rows a side-by-side run times, for every build at once: the codec round trips of
// bench/codecs.ts (the token alone and the store, both modes), the requests of bench/requests.ts
// (this library's Hono middleware with static options, an options function and the TokenCache)
// and the steps of bench/stages.ts. Portable: bundled with the builds and run by Node, Bun, Deno
// and workerd (bench/against/run.ts).

import {
  type AppEntry,
  bare,
  type Fetch,
  floorMiddleware,
  SCENARIOS,
  type Scenario,
  scenarioOps,
  withOurs,
} from '../apps.ts'
import { DATA, type Data, NAME, SECRET, SIZES, type Size } from '../data.ts'
import { floor } from '../floor.ts'
import { type Case, countSubtleCalls, type TimingOptions } from '../harness.ts'
import type { BuildApi, Mode } from './api.ts'
import { measureGroups, perRound, type Spread, spread } from './groups.ts'

export const OPS = ['seal', 'unseal', 'round trip'] as const
export type Op = (typeof OPS)[number]
export const SECTIONS = ['codec', 'requests', 'stages'] as const
export type Section = (typeof SECTIONS)[number]

export interface AgainstOptions extends TimingOptions {
  sections: Section[]
  ops: Op[]
  codecSizes: Size[]
  requestSizes: Size[]
  stageSizes: Size[]
}

/** Builds by label; 'old' is the reference, every other build is compared with it. */
export type Builds = Record<string, BuildApi>

export interface Row {
  section: Section
  size: Size
  /** The operation (codec), the scenario (requests) or the step (stages). */
  what: string
  /** The candidate: 'token-encrypted', 'store-signed', 'ours', 'ours-fn', 'ours-cache', a step id. */
  id: string
  /** Median ns per operation, per build. */
  ns: Record<string, number>
  /** Per build: time over the floor's (codec), overhead over the floor middleware's (requests). */
  vsFloor: Record<string, Spread>
  /** Per build other than 'old': per-round time over the old build's (requests: overhead over its overhead). */
  vsOld: Record<string, Spread>
  /** Requests only: per-round request time (bare app included) over the old build's. */
  timeVsOld?: Record<string, Spread>
}

export interface Facts {
  /** Per build, per row id: crypto.subtle calls and Set-Cookie lines per scenario (requests). */
  requests: Record<
    string,
    Record<string, { calls: Record<Scenario, number>; writes: Record<Scenario, number> }>
  >
  /** Per build: `name=value` bytes of the store's cookie per size. */
  bytes: Record<string, Partial<Record<Size, number>>>
  /** Per build: crypto.getRandomValues calls per store write of a new session. */
  draws: Record<string, number>
}

export interface AgainstResult {
  rows: Row[]
  facts: Facts
}

interface Codec {
  seal(data: Data): Promise<string>
  unseal(sealed: string): Promise<unknown>
}

const value = (pair: string) => pair.slice(pair.indexOf('=') + 1)

async function codecOf(api: BuildApi, kind: 'token' | 'store', mode: Mode): Promise<Codec> {
  if (kind === 'token') {
    const t = await api.token(mode, NAME, SECRET)
    return { seal: async (data) => `${NAME}=${await t.seal(data)}`, unseal: (pair) => t.open(value(pair)) }
  }
  const store = api.store(mode, NAME, SECRET)
  return {
    async seal(data) {
      const session = await store.load(null)
      session.replace(data)
      return (await store.commit(session))[0]!.split(';')[0]!
    },
    async unseal(pair) {
      const session = await store.load(pair)
      if (session.isNew) throw new Error('not a session')
      return session.data
    },
  }
}

/** Seals each fixture, checks it opens to the same data; the sealed fixtures. */
async function fixtures(codec: Codec, label: string): Promise<Record<Size, string>> {
  const out = {} as Record<Size, string>
  for (const size of SIZES) {
    out[size] = await codec.seal(DATA[size])
    const back = (await codec.unseal(out[size])) as Data
    if (back.note !== DATA[size].note || back.count !== DATA[size].count)
      throw new Error(`${label} did not round-trip the ${size} fixture`)
  }
  return out
}

function compare(
  samples: Map<string, number[]>,
  labels: readonly string[],
  id: (label: string) => string,
  vsFloor?: (label: string) => Spread,
) {
  const ns: Record<string, number> = {}
  const floors: Record<string, Spread> = {}
  const vsOld: Record<string, Spread> = {}
  for (const label of labels) {
    ns[label] = spread(samples.get(id(label))!).median
    if (vsFloor) floors[label] = vsFloor(label)
    if (label !== 'old') vsOld[label] = perRound(samples, (get) => get(id(label)) / get(id('old')))
  }
  return { ns, vsFloor: floors, vsOld }
}

async function codecRows(builds: Builds, options: AgainstOptions, facts: Facts): Promise<Row[]> {
  const labels = Object.keys(builds)
  const base = await floor()
  const floorTokens = await fixtures(base, 'floor')
  const candidates: { id: string; codecs: Record<string, { codec: Codec; tokens: Record<Size, string> }> }[] =
    []
  for (const kind of ['token', 'store'] as const) {
    for (const mode of ['encrypted', 'signed'] as const) {
      const codecs: Record<string, { codec: Codec; tokens: Record<Size, string> }> = {}
      for (const label of labels) {
        const codec = await codecOf(builds[label]!, kind, mode)
        const tokens = await fixtures(codec, `${label} ${kind} ${mode}`)
        codecs[label] = { codec, tokens }
        if (kind === 'store' && mode === 'encrypted') {
          facts.bytes[label] = Object.fromEntries(SIZES.map((s) => [s, tokens[s].length]))
        }
      }
      candidates.push({ id: `${kind}-${mode}`, codecs })
    }
  }
  const op = (c: Codec, tokens: Record<Size, string>, o: Op, size: Size) =>
    o === 'seal'
      ? () => c.seal(DATA[size])
      : o === 'unseal'
        ? () => c.unseal(tokens[size])
        : async () => c.unseal(await c.seal(DATA[size]))
  const rows: Row[] = []
  for (const size of options.codecSizes) {
    for (const o of options.ops) {
      const groups: Case[][] = candidates.map(({ id, codecs }) => [
        { id: 'floor', fn: op(base, floorTokens, o, size) },
        ...labels.map((label) => ({
          id: `${label}:${id}`,
          fn: op(codecs[label]!.codec, codecs[label]!.tokens, o, size),
        })),
      ])
      const samples = await measureGroups(groups, options)
      candidates.forEach(({ id }, g) => {
        const s = samples[g]!
        const name = (label: string) => `${label}:${id}`
        rows.push({
          section: 'codec',
          size,
          what: o,
          id,
          ...compare(s, labels, name, (label) => perRound(s, (get) => get(name(label)) / get('floor'))),
        })
      })
    }
  }
  return rows
}

const APP_IDS = ['ours', 'ours-fn', 'ours-cache'] as const

function appOf(api: BuildApi, id: (typeof APP_IDS)[number]): (data: Data) => Promise<Fetch> {
  const options = { secret: SECRET, cookie: { name: NAME } }
  if (id === 'ours') return withOurs(() => api.hono(options) as never)
  // The Workers docs' pattern: a new options object on every request, from bindings.
  if (id === 'ours-fn') {
    const env = { SESSION_SECRET: SECRET }
    return withOurs(() => api.hono(() => ({ secret: env.SESSION_SECRET, cookie: { name: NAME } })) as never)
  }
  return withOurs(() => api.hono({ ...options, tokenCache: api.tokenCache() }) as never)
}

/** The apps the HTTP section serves: the bare app, the floor middleware, and each build's Hono middleware. */
export function againstApps(
  builds: Builds,
  ids: readonly (typeof APP_IDS)[number][] = ['ours', 'ours-fn'],
): AppEntry[] {
  return [
    { id: 'bare', label: 'Hono, no session', build: bare },
    { id: 'floor', label: 'floor middleware', build: floorMiddleware },
    ...ids.flatMap((id) =>
      Object.entries(builds).map(([label, api]) => ({
        id: `${label}:${id}`,
        label: `${label}: ${id}`,
        build: appOf(api, id),
      })),
    ),
  ]
}

async function requestRows(builds: Builds, options: AgainstOptions, facts: Facts): Promise<Row[]> {
  const labels = Object.keys(builds)
  const rows: Row[] = []
  for (const size of options.requestSizes) {
    const refs = {
      bare: await scenarioOps(await bare(DATA[size])),
      floor: await scenarioOps(await floorMiddleware(DATA[size])),
    }
    const apps: { id: string; ops: Record<string, Record<Scenario, () => Promise<string[]>>> }[] = []
    for (const id of APP_IDS) {
      const ops: Record<string, Record<Scenario, () => Promise<string[]>>> = {}
      for (const label of labels) {
        ops[label] = await scenarioOps(await appOf(builds[label]!, id)(DATA[size]))
        const f = ((facts.requests[label] ??= {})[id] ??= {
          calls: {} as Record<Scenario, number>,
          writes: {} as Record<Scenario, number>,
        })
        for (const s of SCENARIOS) {
          let written: string[] = []
          f.calls[s] = await countSubtleCalls(async () => {
            written = await ops[label]![s]()
          })
          f.writes[s] = written.length
        }
      }
      apps.push({ id, ops })
    }
    for (const scenario of SCENARIOS) {
      const groups: Case[][] = apps.map(({ id, ops }) => [
        { id: 'bare', fn: refs.bare[scenario] },
        { id: 'floor', fn: refs.floor[scenario] },
        ...labels.map((label) => ({ id: `${label}:${id}`, fn: ops[label]![scenario] })),
      ])
      const samples = await measureGroups(groups, options)
      apps.forEach(({ id }, g) => {
        const s = samples[g]!
        const name = (label: string) => `${label}:${id}`
        const overhead = (get: (id: string) => number, label: string) => get(name(label)) - get('bare')
        const row: Row = {
          section: 'requests',
          size,
          what: scenario,
          id,
          ...compare(s, labels, name, (label) =>
            perRound(s, (get) => overhead(get, label) / (get('floor') - get('bare'))),
          ),
          timeVsOld: {},
        }
        for (const label of labels) {
          if (label === 'old') continue
          row.vsOld[label] = perRound(s, (get) => overhead(get, label) / overhead(get, 'old'))
          row.timeVsOld![label] = perRound(s, (get) => get(name(label)) / get(name('old')))
        }
        rows.push(row)
      })
    }
  }
  return rows
}

/** The steps of a round trip (bench/stages.ts), per build, each timed beside the same step of the others. */
async function stageRows(builds: Builds, options: AgainstOptions): Promise<Row[]> {
  const labels = Object.keys(builds)
  const rows: Row[] = []
  for (const size of options.stageSizes) {
    const data = DATA[size]
    const text = JSON.stringify(data)
    const steps: Record<string, [string, () => unknown][]> = {}
    for (const label of labels) {
      const api = builds[label]!
      const t = await api.token('encrypted', NAME, SECRET)
      const store = api.store('encrypted', NAME, SECRET)
      const token = await t.sealBody(text)
      const body = await t.bodyOf(token)
      const cookie = `${NAME}=${token}`
      if ((await store.load(cookie)).isNew) throw new Error(`${label}: the stage fixture does not open`)
      steps[label] = [
        ['strict-stringify', () => t.stringify(data)],
        ['codec-seal', () => t.sealBody(text)],
        ['codec-open', () => t.openToken(token)],
        ['utf8-check', () => t.utf8(body)],
        ['open-value', () => t.open(token)],
        ['store-load', () => store.load(cookie)],
        // The write, piece by piece: a new session, then its data set, then the whole commit.
        ['store-load-null', () => store.load(null)],
        [
          'store-replace',
          async () => {
            const session = await store.load(null)
            session.replace(data)
            return session
          },
        ],
        [
          'store-write',
          async () => {
            const session = await store.load(null)
            session.replace(data)
            return store.commit(session)
          },
        ],
      ]
    }
    const ids = steps.old!.map(([id]) => id)
    const groups: Case[][] = ids.map((id, i) =>
      labels.map((label) => ({ id: `${label}:${id}`, fn: steps[label]![i]![1] })),
    )
    const samples = await measureGroups(groups, options)
    ids.forEach((id, g) => {
      const s = samples[g]!
      const name = (label: string) => `${label}:${id}`
      rows.push({
        section: 'stages',
        size,
        what: id,
        id,
        ...compare(s, labels, name),
      })
    })
  }
  return rows
}

/** crypto.getRandomValues calls while a store loads, fills and commits a new session. */
async function drawsPerWrite(api: BuildApi): Promise<number> {
  const store = api.store('encrypted', NAME, SECRET)
  await store.commit(await store.load(null))
  const original = crypto.getRandomValues
  let n = 0
  // The constraint as the compiler's DOM library spells it (TypeScript 6 narrowed it to views of
  // an ArrayBuffer), so the override fits each.
  crypto.getRandomValues = function <T extends Parameters<typeof original>[0]>(this: Crypto, array: T): T {
    n++
    return original.call(this, array) as T
  }
  try {
    const session = await store.load(null)
    session.replace(DATA['56 B'])
    await store.commit(session)
  } finally {
    crypto.getRandomValues = original
  }
  return n
}

export async function runAgainst(builds: Builds, options: AgainstOptions): Promise<AgainstResult> {
  if (builds.old === undefined) throw new Error('no build labelled old')
  const facts: Facts = { requests: {}, bytes: {}, draws: {} }
  for (const [label, api] of Object.entries(builds)) facts.draws[label] = await drawsPerWrite(api)
  const rows: Row[] = []
  if (options.sections.includes('codec')) rows.push(...(await codecRows(builds, options, facts)))
  if (options.sections.includes('requests')) rows.push(...(await requestRows(builds, options, facts)))
  if (options.sections.includes('stages')) rows.push(...(await stageRows(builds, options)))
  return { rows, facts }
}
