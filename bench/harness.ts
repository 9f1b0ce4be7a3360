// Interleaved, paired timing. Portable (no runtime APIs beyond performance.now), so the same code
// runs on Node, Bun, Deno and workerd.
//
// Why not one long loop per candidate: on a shared machine the speed of the CPU drifts by tens of
// percent within seconds. Here every round runs one short batch of every candidate, in rotating
// order, and each candidate's batch sits right beside a batch of each anchor (the floor, and for
// requests the bare app), in alternating order. A ratio is taken inside each such group, where
// the candidate and its anchors saw the same machine; the reported ratio is the median over rounds,
// and the reported time per operation is the median of the candidate's batches.

import { countSubtle } from '../test/helpers.ts'

export interface Case {
  readonly id: string
  /** One operation. Awaited, so synchronous and asynchronous candidates are timed the same way. */
  readonly fn: () => unknown
}

export interface TimingOptions {
  /** Rounds; each runs one batch of every case. */
  readonly rounds: number
  /** Target duration of one batch, in ms; the iteration count per case is calibrated to it. */
  readonly batchMs: number
  /** Clock in ms. */
  readonly now?: () => number
}

export interface Samples {
  /** Per case: nanoseconds per operation, one sample per batch. */
  readonly times: Map<string, number[]>
  /** Per case, per anchor: the anchor's nanoseconds per operation in the batch beside it, per round. */
  readonly beside: Map<string, Map<string, number[]>>
}

/** @internal Nanoseconds per call of `fn` over `n` calls. */
export async function batch(fn: () => unknown, n: number, now: () => number): Promise<number> {
  const t0 = now()
  for (let i = 0; i < n; i++) await fn()
  return ((now() - t0) * 1e6) / n
}

/** Iterations that make one batch last about `batchMs`. */
export async function calibrate(fn: () => unknown, batchMs: number, now: () => number): Promise<number> {
  for (let i = 0; i < 3; i++) await fn()
  let n = 1
  let ms: number
  for (;;) {
    ms = ((await batch(fn, n, now)) * n) / 1e6
    // Clocks can be coarse (workerd: whole milliseconds): grow until the batch is measurable.
    if (ms >= batchMs / 4 || n >= 1 << 20) break
    n *= 2
  }
  // Scale by the fastest of a few batches the clock saw: one that lost the CPU to another process
  // would otherwise make every later batch too short for a millisecond clock to see.
  for (let i = 0; i < 3; i++) {
    const again = ((await batch(fn, n, now)) * n) / 1e6
    if (again >= batchMs / 8) ms = Math.min(ms, again)
  }
  return Math.max(1, Math.ceil((n * batchMs) / Math.max(ms, 1e-3)))
}

/** Times every case in interleaved rounds, each beside a batch of every anchor. */
export async function measure(
  cases: readonly Case[],
  options: TimingOptions,
  anchors: readonly string[] = [],
): Promise<Samples> {
  const now = options.now ?? (() => performance.now())
  const iterations = new Map<string, number>()
  for (const c of cases) iterations.set(c.id, await calibrate(c.fn, options.batchMs, now))
  const byId = new Map(cases.map((c) => [c.id, c]))
  const times = new Map<string, number[]>(cases.map((c) => [c.id, []]))
  const beside = new Map<string, Map<string, number[]>>()
  const time = async (c: Case) => {
    const ns = await batch(c.fn, iterations.get(c.id)!, now)
    times.get(c.id)!.push(ns)
    return ns
  }
  const others = cases.filter((c) => !anchors.includes(c.id))
  for (const c of others) beside.set(c.id, new Map(anchors.map((a) => [a, []])))
  for (let r = 0; r < options.rounds; r++) {
    // Rotate the starting case and alternate direction, so no case always follows the same one.
    const order = others.map((_, i) => others[(i + r) % others.length]!)
    if (r % 2 === 1) order.reverse()
    if (others.length === 0) for (const a of anchors) await time(byId.get(a)!)
    for (const c of order) {
      const group = [...anchors.map((a) => byId.get(a)!), c]
      if ((r + order.indexOf(c)) % 2 === 1) group.reverse()
      for (const g of group) {
        const ns = await time(g)
        if (g !== c) beside.get(c.id)!.get(g.id)!.push(ns)
      }
    }
  }
  return { times, beside }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Median over rounds of `f(get)`, where `get(id)` is case `a`'s own sample for `a` and, for an
 * anchor, the anchor's sample taken beside `a` in that round.
 */
export function perRound(samples: Samples, a: string, f: (get: (id: string) => number) => number): number {
  const own = samples.times.get(a)
  if (own === undefined) throw new Error(`no samples for ${a}`)
  const paired = samples.beside.get(a)
  // An anchor itself: it is its own reference.
  if (paired === undefined) return f(() => 1)
  const values: number[] = []
  for (let r = 0; r < own.length; r++) {
    values.push(
      f((id) => {
        if (id === a) return own[r]!
        const list = paired.get(id)
        if (list === undefined) throw new Error(`${id} is not an anchor`)
        return list[r]!
      }),
    )
  }
  return median(values)
}

/** Median over rounds of `a / anchor`. */
export function ratio(samples: Samples, a: string, anchor: string): number {
  return a === anchor ? 1 : perRound(samples, a, (get) => get(a) / get(anchor))
}

/** Median over rounds of `(a - base) / (anchor - base)`: overheads over a shared baseline compared. */
export function overheadRatio(samples: Samples, a: string, anchor: string, base: string): number {
  if (a === anchor) return 1
  if (a === base) return 0
  return perRound(samples, a, (get) => (get(a) - get(base)) / (get(anchor) - get(base)))
}

/** Median nanoseconds per operation. */
export function nsPerOp(samples: Samples, id: string): number {
  return median(samples.times.get(id) ?? [])
}

/** crypto.subtle calls made while `fn` runs (a deterministic cost, unlike time). */
export async function countSubtleCalls(fn: () => unknown): Promise<number> {
  return (await countSubtle(async () => fn())).total
}
