// The cost of revocation (sealed-session/revocation) in read-mostly traffic through Hono: store
// calls per 100 requests (counted) and request time against the same app without revocation
// (timed beside it). 64 sessions; a memory store, so the figures are the library's own cost, not a
// network's: with a remote store each counted call is one round trip.
import { memoryStore, type RevocationStore, revocation } from '../src/features/revocation/index.ts'
import { DATA } from './data.ts'
import { type Case, measure, nsPerOp, overheadRatio, type TimingOptions } from './harness.ts'
import { APPS, ours } from './requests.ts'
import { trafficOp } from './suite.ts'

export interface RevocationRow {
  readonly id: string
  readonly label: string
  /** Store calls per 100 requests: the first 100 (every session checked once), then steady. */
  readonly coldPer100: number
  readonly steadyPer100: number
  readonly ns: number
  /** Request time over the app without revocation's, median of rounds. */
  readonly ratio: number
}

function counting(inner: RevocationStore) {
  const counter = { calls: 0 }
  const store: RevocationStore = {
    get: (keys) => {
      counter.calls++
      return inner.get(keys)
    },
    raise: (key, value, ttl) => {
      counter.calls++
      return inner.raise(key, value, ttl)
    },
  }
  return { store, counter }
}

export async function revocationSection(timing: TimingOptions): Promise<RevocationRow[]> {
  const { store, counter } = counting(memoryStore())
  const revoker = revocation({
    store,
    subject: (s) => String(s.get('user') ?? 'anonymous'),
    checkInterval: 30,
  })
  const plain = ours()
  const withIt = ours({ revocation: revoker })
  const rows: RevocationRow[] = []
  const cases: Case[] = []
  const bare = APPS.find((a) => a.id === 'bare')!
  cases.push({ id: 'bare', fn: await trafficOp(await bare.build(DATA['56 B'])) })
  for (const [id, label, build, writeEvery] of [
    ['reads', 'reads only', withIt, Number.MAX_SAFE_INTEGER],
    ['mixed', '9 reads : 1 write', withIt, 10],
  ] as const) {
    counter.calls = 0
    const op = await trafficOp(await build(DATA['56 B']), 64, writeEvery)
    for (let i = 0; i < 100; i++) await op()
    const cold = counter.calls
    counter.calls = 0
    for (let i = 0; i < 100; i++) await op()
    rows.push({ id, label, coldPer100: cold, steadyPer100: counter.calls, ns: 0, ratio: 0 })
    cases.push({ id: `rev-${id}`, fn: op })
    cases.push({ id: `plain-${id}`, fn: await trafficOp(await plain(DATA['56 B']), 64, writeEvery) })
  }
  const samples = await measure(cases, timing, ['bare', 'plain-reads', 'plain-mixed'])
  return rows.map((r) => ({
    ...r,
    ns: nsPerOp(samples, `rev-${r.id}`),
    ratio: overheadRatio(samples, `rev-${r.id}`, `plain-${r.id}`, 'bare'),
  }))
}
