// Timing in groups, for comparing builds: every round times one batch of each member of a group
// back to back (the floor, the old build, the new build, and for requests the bare app), so each
// ratio is taken between batches that saw the same machine. The order of the members rotates and
// reverses from round to round, so each one takes every position equally often (bench/harness.ts
// keeps the candidate last or first and an anchor in the middle, which would favour one build).
// Groups are interleaved within a round. Portable: Node, Bun, Deno and workerd.

import { batch, type Case, calibrate, median, type TimingOptions } from '../harness.ts'

/** Per group, per member id: nanoseconds per operation, one sample per round. */
export type GroupSamples = Map<string, number[]>[]

/** The order of `k` members in round `r`: rotated by r, reversed every other cycle. */
export function orderOf(k: number, r: number): number[] {
  const order = Array.from({ length: k }, (_, i) => (i + r) % k)
  return Math.floor(r / k) % 2 === 1 ? order.reverse() : order
}

export async function measureGroups(groups: readonly (readonly Case[])[], options: TimingOptions) {
  const now = options.now ?? (() => performance.now())
  const iterations = new Map<Case, number>()
  for (const group of groups)
    for (const c of group) iterations.set(c, await calibrate(c.fn, options.batchMs, now))
  const samples: GroupSamples = groups.map((g) => new Map(g.map((c) => [c.id, []])))
  for (let r = 0; r < options.rounds; r++) {
    for (const g of orderOf(groups.length, r)) {
      const group = groups[g]!
      for (const m of orderOf(group.length, r)) {
        const c = group[m]!
        const ns = await batch(c.fn, iterations.get(c)!, now)
        // A batch the clock did not see move says nothing (NaN drops out of every ratio's spread).
        samples[g]!.get(c.id)!.push(ns > 0 ? ns : Number.NaN)
      }
    }
  }
  return samples
}

export interface Spread {
  median: number
  /** Quartiles of the per-round values: the middle half of the rounds lies between them. */
  p25: number
  p75: number
  min: number
  max: number
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0)
    return { median: Number.NaN, p25: Number.NaN, p75: Number.NaN, min: Number.NaN, max: Number.NaN }
  return {
    median: median(sorted),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  }
}

/** Per round, `f` of the group's samples in that round; their spread. */
export function perRound(samples: Map<string, number[]>, f: (get: (id: string) => number) => number): Spread {
  const first = [...samples.values()][0] ?? []
  const values: number[] = []
  for (let r = 0; r < first.length; r++) {
    values.push(
      f((id) => {
        const list = samples.get(id)
        if (list === undefined) throw new Error(`no member ${id} in this group`)
        return list[r]!
      }),
    )
  }
  return spread(values)
}
