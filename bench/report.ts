// The report: every section's Markdown table, the targets verdicts, and the rewrite of
// bench/README.md's results block. Pure formatting: nothing here measures.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BundleSize, CORE_TARGET } from './bundle.ts'
import { NODE_CODECS } from './codecs-node.ts'
import { SIZES, type Size } from './data.ts'
import type { DeviceBoundRow } from './device-bound.ts'
import { HTTP_APPS, type HttpResult } from './http.ts'
import type { PortableResult } from './portable.ts'
import { SCENARIOS } from './requests.ts'
import type { RevocationRow } from './revocation.ts'
import type { RuntimeResults } from './runtimes.ts'
import type { StageRow } from './stages.ts'
import type {
  CodecFacts,
  CodecRow,
  codecSection,
  RequestRow,
  requestSection,
  Skipped,
  TrafficRow,
} from './suite.ts'
import { OPS } from './suite.ts'
import { root } from './tools.ts'

const LABELS = new Map<string, string>([
  ...NODE_CODECS.map((c) => [c.id, c.label] as [string, string]),
  ...HTTP_APPS.map((a) => [`app:${a.id}`, a.label] as [string, string]),
])
const label = (id: string, app = false) => LABELS.get(app ? `app:${id}` : id) ?? id

/** Everything one run measured (also what `--json` writes and `--from` reads back). */
export interface Results {
  codec?: Awaited<ReturnType<typeof codecSection>>
  requests?: Awaited<ReturnType<typeof requestSection>>
  traffic?: TrafficRow[]
  revocation?: RevocationRow[]
  deviceBound?: DeviceBoundRow[]
  bundle?: BundleSize[]
  runtimes?: RuntimeResults
  http?: HttpResult
  stages?: { node: StageRow[]; workerd: StageRow[] }
}

const x = (r: number | undefined) => (r === undefined || !Number.isFinite(r) ? '–' : `${r.toFixed(2)}x`)
const us = (ns: number | undefined) => (ns === undefined ? '–' : (ns / 1000).toFixed(1))

/** A Markdown table padded the way the formatter (Biome) writes it, so the README stays formatted. */
function table(head: string[], rows: string[][]): string {
  const width = (text: string) => [...text].length
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n')
}

export function codecTable(rows: CodecRow[], facts: CodecFacts[]): string {
  const ids = [...new Set(rows.map((r) => r.id))]
  const cell = (id: string, op: string) =>
    SIZES.map((size) => x(rows.find((r) => r.id === id && r.op === op && r.size === size)?.ratio)).join(' / ')
  const floorTrip = (size: Size) =>
    rows.find((r) => r.id === 'floor' && r.op === 'round trip' && r.size === size)?.ns
  return [
    table(
      ['codec', 'subtle calls seal / unseal', ...OPS.map((op) => `${op} vs floor (56 B / 1 KB / 3 KB)`)],
      ids.map((id) => {
        const f = facts.find((c) => c.id === id)
        return [label(id), f ? `${f.sealCalls} / ${f.unsealCalls}` : '–', ...OPS.map((op) => cell(id, op))]
      }),
    ),
    '',
    `Floor round trip: ${SIZES.map((s) => `${us(floorTrip(s))} µs at ${s}`).join(', ')}.`,
  ].join('\n')
}

export function requestTable(
  rows: RequestRow[],
  facts: { id: string; calls: Record<string, number>; writes: Record<string, number> }[],
  sizes: readonly Size[],
): string {
  const ids = [...new Set(rows.map((r) => r.id))].filter((id) => id !== 'bare')
  const head = [
    'Hono app',
    'subtle calls new / unchanged / changed',
    'Set-Cookie new / unchanged / changed',
    ...sizes.map((s) => `overhead vs floor at ${s} (new / unchanged / changed)`),
  ]
  const body = ids.map((id) => {
    const f = facts.find((a) => a.id === id)
    return [
      label(id, true),
      f ? SCENARIOS.map((s) => f.calls[s]).join(' / ') : '–',
      f ? SCENARIOS.map((s) => f.writes[s]).join(' / ') : '–',
      ...sizes.map((size) =>
        SCENARIOS.map((s) =>
          x(rows.find((r) => r.id === id && r.scenario === s && r.size === size)?.ratio),
        ).join(' / '),
      ),
    ]
  })
  const overhead = (id: string, s: string) =>
    rows.find((r) => r.id === id && r.scenario === s && r.size === sizes[0])?.overhead
  const bare = rows.find((r) => r.id === 'bare' && r.scenario === 'changed' && r.size === sizes[0])?.ns
  return [
    table(head, body),
    '',
    `Overhead is time over the bare Hono app (${us(bare)} µs per request); the floor middleware's overhead at ${sizes[0]}: ${SCENARIOS.map((s) => `${s} ${us(overhead('floor', s))} µs`).join(', ')}.`,
  ].join('\n')
}

export function trafficTable(rows: TrafficRow[]): string {
  const off = rows.find((r) => r.id === 'ours')
  const on = rows.find((r) => r.id === 'ours-cache')
  return [
    table(
      ['Hono app', 'subtle calls per 100 requests', 'overhead per request (µs)', 'overhead vs floor'],
      rows
        .filter((r) => r.id !== 'bare')
        .map((r) => [label(r.id, true), String(r.callsPer100), us(r.overhead), x(r.ratio)]),
    ),
    '',
    off && on
      ? `With the cache, this library's overhead is ${x(on.overhead / off.overhead)} of its overhead without.`
      : '',
  ].join('\n')
}

export function bytesTable(
  facts: CodecFacts[],
  apps: { id: string; bytes: Partial<Record<Size, number>> }[],
): string {
  const mark = (n: number | undefined) => (n === undefined ? '–' : n > 4096 ? `${n} †` : String(n))
  return [
    table(
      ['candidate', ...SIZES.map((s) => `${s} data`)],
      [
        ...facts.map((f) => [label(f.id), ...SIZES.map((s) => mark(f.bytes[s]))]),
        ...apps
          .filter((a) => a.id !== 'bare')
          .map((a) => [`${label(a.id, true)} (Set-Cookie)`, ...SIZES.map((s) => mark(a.bytes[s]))]),
      ],
    ),
    '',
    '`name=value` bytes of every cookie written (cookie-session writes two). † over 4096: browsers drop the cookie.',
  ].join('\n')
}

export function bundleTable(sizes: BundleSize[]): string {
  return table(
    ['bundle (esbuild, minified)', 'min bytes', 'min+gzip bytes'],
    sizes.map((s) => [s.label, String(s.min), String(s.gzip)]),
  )
}

export function runtimeTable(results: RuntimeResults): string {
  const names = Object.keys(results)
  const ok = names.filter((n) => !('error' in results[n]!)) as string[]
  const get = (n: string) => results[n] as PortableResult
  const codecIds = [...new Set(ok.flatMap((n) => get(n).codec.rows.map((r) => r.id)))]
  const appIds = [...new Set(ok.flatMap((n) => get(n).requests.rows.map((r) => r.id)))].filter(
    (id) => id !== 'bare',
  )
  const skipped: string[] = []
  for (const n of names) {
    const r = results[n]!
    if ('error' in r) skipped.push(`- ${n}: did not run (${r.error})`)
    else
      for (const s of [...r.codec.skipped, ...r.requests.skipped] as Skipped[])
        skipped.push(`- ${n}: ${label(s.id)} does not run (${s.error})`)
  }
  const codec = table(
    ['codec round trip vs floor (56 B / 1 KB / 3 KB)', ...ok],
    codecIds.map((id) => [
      label(id),
      ...ok.map((n) =>
        get(n).codec.rows.some((r) => r.id === id)
          ? SIZES.map((s) => x(get(n).codec.rows.find((r) => r.id === id && r.size === s)?.ratio)).join(' / ')
          : 'does not run',
      ),
    ]),
  )
  const requests = table(
    ['Hono app overhead vs floor at 56 B (new / unchanged / changed)', ...ok],
    appIds.map((id) => [
      label(id, true),
      ...ok.map((n) =>
        get(n).requests.rows.some((r) => r.id === id)
          ? SCENARIOS.map((s) =>
              x(get(n).requests.rows.find((r) => r.id === id && r.scenario === s)?.ratio),
            ).join(' / ')
          : 'does not run',
      ),
    ]),
  )
  const floors = ok
    .map((n) => {
      const f = get(n).codec.rows.find((r) => r.id === 'floor' && r.size === '56 B')
      return `${n} ${us(f?.ns)} µs`
    })
    .join(', ')
  if (ok.includes('workerd')) {
    skipped.push(
      '- workerd: the cookie-session scheme needs node:crypto; workerd runs here without nodejs_compat',
    )
  }
  return [
    codec,
    '',
    `Floor round trip at 56 B: ${floors}.`,
    '',
    requests,
    ...(skipped.length ? ['', ...skipped] : []),
  ].join('\n')
}

export function targets(r: Results): string {
  const rows: string[][] = []
  const verdict = (met: boolean) => (met ? 'met' : '**missed**')
  // The round-trip target is the token's (what the floor codec does too); the store's round trip,
  // with the cookie header, Set-Cookie attributes and the Session object, is reported beside it.
  const trip = (
    where: string,
    measured: readonly { id: string; size: string; ratio: number; op?: string }[],
  ) => {
    for (const id of ['ours-token', 'ours']) {
      const trips = SIZES.map(
        (s) =>
          measured.find((m) => m.id === id && (m.op ?? 'round trip') === 'round trip' && m.size === s)
            ?.ratio ?? Number.NaN,
      )
      if (trips.every(Number.isNaN)) continue
      const met = trips.every((t) => t <= 1.1)
      rows.push([
        `round trip ≤ 1.10x the floor at every size, ${where} (${label(id)})`,
        trips.map(x).join(' / '),
        id === 'ours-token' ? verdict(met) : met ? 'met' : 'reported',
      ])
    }
  }
  if (r.codec) trip('Node', r.codec.rows)
  for (const [name, result] of Object.entries(r.runtimes ?? {}))
    if (!('error' in result)) trip(name, result.codec.rows)
  if (r.codec) {
    for (const id of ['ours', 'ours-signed']) {
      const f = r.codec.facts.find((c) => c.id === id)
      if (f)
        rows.push([
          `one subtle call per seal and per unseal (${label(id)})`,
          `${f.sealCalls} / ${f.unsealCalls}`,
          verdict(f.sealCalls === 1 && f.unsealCalls === 1),
        ])
    }
  }
  if (r.requests) {
    const sizes = [...new Set(r.requests.rows.map((row) => row.size))]
    const changed = sizes.map(
      (s) =>
        r.requests!.rows.find((row) => row.id === 'ours' && row.scenario === 'changed' && row.size === s)
          ?.ratio ?? Number.NaN,
    )
    rows.push([
      `changed-session request overhead ≤ 1.10x the floor middleware (${sizes.join(' / ')})`,
      changed.map(x).join(' / '),
      verdict(changed.every((c) => c <= 1.1)),
    ])
    const f = r.requests.facts.find((a) => a.id === 'ours')
    if (f)
      rows.push([
        'an unchanged session is not re-sealed',
        `${f.calls.unchanged} subtle call, ${f.writes.unchanged} Set-Cookie`,
        verdict(f.writes.unchanged === 0 && f.calls.unchanged === 1),
      ])
  }
  if (r.codec && r.requests) {
    const peers = [
      ...r.codec.facts
        .filter((f) => !f.id.startsWith('ours') && !f.id.startsWith('floor'))
        .map((f) => ({ id: f.id, bytes: f.bytes as Partial<Record<Size, number>> })),
      ...r.requests.facts
        .filter((a) => !['bare', 'floor', 'ours', 'ours-fn', 'ours-cache'].includes(a.id))
        .map((a) => ({ id: `app:${a.id}`, bytes: a.bytes })),
    ]
    const ours = r.codec.facts.find((f) => f.id === 'ours')!
    const name = (id: string) => (id.startsWith('app:') ? label(id.slice(4), true) : label(id))
    const bytes = (b: Partial<Record<Size, number>>) => SIZES.map((s) => b[s] ?? '–').join(' / ')
    const smaller = peers.filter((p) =>
      SIZES.some((s) => (p.bytes[s] ?? Number.POSITIVE_INFINITY) < ours.bytes[s]),
    )
    const cells = [bytes(ours.bytes), ...smaller.map((p) => `smaller: ${name(p.id)} ${bytes(p.bytes)}`)]
    const met = smaller.length === 0
    rows.push([
      'the smallest cookie of all peers (encrypted mode; 56 B / 1 KB / 3 KB)',
      cells.join('; '),
      verdict(met),
    ])
  }
  if (r.bundle) {
    for (const id of ['ours', 'ours-app']) {
      const b = r.bundle.find((s) => s.id === id)!
      rows.push([`core ≤ 3 KB min+gzip (${b.label})`, `${b.gzip} B`, verdict(b.gzip <= CORE_TARGET)])
    }
  }
  // The Workers options pattern (a function returning a new object per request) against static
  // options, request for request: the same within noise.
  // Whole request times (Hono included): a ratio of overheads would divide two small differences.
  const optionsFn = (where: string, measured: readonly { id: string; scenario: string; ns: number }[]) => {
    const cost = (['unchanged', 'changed'] as const).map((scenario) => {
      const of = (id: string) => measured.find((m) => m.id === id && m.scenario === scenario)?.ns
      return (of('ours-fn') ?? Number.NaN) / (of('ours') ?? Number.NaN)
    })
    if (cost.every(Number.isNaN)) return
    rows.push([
      `an options function costs what static options cost, ${where} (request time, unchanged / changed, fn ÷ static)`,
      cost.map(x).join(' / '),
      verdict(cost.every((c) => c <= 1.05)),
    ])
  }
  if (r.requests)
    optionsFn(
      'Node',
      r.requests.rows.filter((row) => row.size === '56 B'),
    )
  for (const [name, result] of Object.entries(r.runtimes ?? {}))
    if (!('error' in result)) optionsFn(name, result.requests.rows)
  const http = r.http
  if (http) {
    const PEERS = ['hono-session', 'hono-sessions', 'iron-session']
    for (const runtime of [...new Set(http.rows.map((row) => row.runtime))]) {
      for (const scenario of ['read', 'changed'] as const) {
        const find = (id: string) =>
          http.rows.find((row) => row.runtime === runtime && row.id === id && row.scenario === scenario)
        const ours = find('ours')
        if (ours === undefined) continue
        rows.push([
          `over HTTP, ${runtime} ${scenario}: ≥ 0.95x the floor middleware's throughput`,
          `${ours.vsFloor.median.toFixed(2)}x (${ours.vsFloor.low.toFixed(2)}–${ours.vsFloor.high.toFixed(2)})`,
          verdict(ours.vsFloor.median >= 0.95),
        ])
        const peers = PEERS.map(find).filter((p) => p !== undefined)
        const best = peers.reduce((a, b) => (b.vsBare.median > a.vsBare.median ? b : a), peers[0]!)
        if (best)
          rows.push([
            `over HTTP, ${runtime} ${scenario}: ahead of every peer (throughput vs bare)`,
            `${ours.vsBare.median.toFixed(2)} vs ${label(best.id, true)} ${best.vsBare.median.toFixed(2)}`,
            verdict(peers.every((p) => ours.vsBare.median > p.vsBare.median)),
          ])
      }
    }
  }
  return table(['target', 'measured', 'verdict'], rows)
}

const ns2us = (ns: number | undefined) => (ns === undefined ? '–' : (ns / 1000).toFixed(2))

export function revocationTable(rows: readonly RevocationRow[]): string {
  return table(
    [
      'traffic (64 sessions, check interval 30 s)',
      'store calls, first 100 requests',
      'store calls per 100 requests after',
      'request overhead vs. no revocation',
    ],
    rows.map((r) => [r.label, String(r.coldPer100), String(r.steadyPer100), `${r.ratio.toFixed(2)}x`]),
  )
}

export function deviceBoundTable(rows: readonly DeviceBoundRow[]): string {
  return table(
    ['request', 'µs', 'vs. without the feature', 'crypto.subtle calls'],
    rows.map((r) => [r.label, us(r.ns), x(r.ratio), String(r.subtleCalls)]),
  )
}

/** Each step of the read and write path, in µs, on Node and workerd, at 56 B and 3 KB. */
export function stagesTable(stages: { node: StageRow[]; workerd: StageRow[] }): string {
  const sizes = [...new Set(stages.node.map((row) => row.size))]
  const places = (['node', 'workerd'] as const).filter((p) => stages[p].length > 0)
  const ids = [...new Set(stages.node.map((row) => row.id))]
  const cell = (place: 'node' | 'workerd', id: string, size: string) =>
    ns2us(stages[place].find((row) => row.id === id && row.size === size)?.ns)
  return table(
    ['step', ...places.flatMap((p) => sizes.map((size) => `${p} ${size}`))],
    ids.map((id) => [
      stages.node.find((row) => row.id === id)!.label,
      ...places.flatMap((p) => sizes.map((size) => cell(p, id, size))),
    ]),
  )
}

export function httpTable(r: HttpResult): string {
  const runtimes = [...new Set(r.rows.map((row) => row.runtime))]
  const ids = HTTP_APPS.map((a) => a.id).filter((id) => r.rows.some((row) => row.id === id))
  const ratio = (s: { median: number; low: number; high: number }) =>
    `${s.median.toFixed(2)} (${s.low.toFixed(2)}–${s.high.toFixed(2)})`
  const cell = (runtime: string, id: string, key: 'vsBare' | 'vsFloor') =>
    (['read', 'changed'] as const)
      .map((scenario) => {
        const row = r.rows.find((x) => x.runtime === runtime && x.id === id && x.scenario === scenario)
        return row ? ratio(row[key]) : '–'
      })
      .join(' / ')
  const lines: string[] = []
  for (const runtime of runtimes) {
    const bare = (s: string) =>
      r.rows.find((x) => x.runtime === runtime && x.id === 'bare' && x.scenario === s)?.rps.toFixed(0)
    lines.push(
      `${runtime}: bare app ${bare('read')} req/s (read), ${bare('changed')} req/s (changed).`,
      '',
      table(
        ['Hono app', 'throughput vs bare: read / changed (spread)', 'vs floor middleware: read / changed'],
        ids.map((id) => [label(id, true), cell(runtime, id, 'vsBare'), cell(runtime, id, 'vsFloor')]),
      ),
      '',
    )
  }
  lines.push(
    table(
      ['first request after start vs warm (ms)', ...runtimes],
      ids.map((id) => [
        label(id, true),
        ...runtimes.map((runtime) => {
          const f = r.first.find((x) => x.runtime === runtime && x.id === id)
          return f ? `${f.first.toFixed(1)} vs ${f.warm.toFixed(2)}` : '–'
        }),
      ]),
    ),
    '',
    `Cookie sent: ${[...new Set(r.first.filter((f) => f.cookieBytes > 0).map((f) => `${label(f.id, true)} ${f.cookieBytes} B`))].slice(0, 8).join(', ')}.`,
  )
  for (const e of r.errors) lines.push('', `- ${e}`)
  return lines.join('\n')
}

/**
 * The README's five-line summary of a full run: round trips, HTTP throughput, the unchanged-session
 * cost, cookie bytes and bundle bytes. Lines whose section did not run are left out.
 */
export function summary(r: Results): string {
  const lines: string[] = []
  const span = (values: number[]) => {
    const ok = values.filter(Number.isFinite)
    return ok.length ? `${Math.min(...ok).toFixed(2)}x to ${Math.max(...ok).toFixed(2)}x` : '–'
  }
  const trips = (rows: readonly { id: string; op?: string; ratio: number }[], id: string) =>
    rows.filter((row) => row.id === id && (row.op ?? 'round trip') === 'round trip').map((row) => row.ratio)
  if (r.codec) {
    const workerd = r.runtimes?.workerd
    const onWorkerd =
      workerd && !('error' in workerd) ? `, ${span(trips(workerd.codec.rows, 'ours-token'))} on workerd` : ''
    lines.push(
      `- Seal + open of the cookie value: ${span(trips(r.codec.rows, 'ours-token'))} the floor on Node${onWorkerd} (iron-session ${span(trips(r.codec.rows, 'iron-session'))}, jose JWE ${span(trips(r.codec.rows, 'jose-jwe'))}); with the cookie header and Session object, ${span(trips(r.codec.rows, 'ours'))} on Node.`,
    )
  }
  if (r.http) {
    const of = (id: string, scenario: string) =>
      r
        .http!.rows.filter((row) => row.id === id && row.scenario === scenario)
        .map((row) => row.vsFloor.median)
    const runtimes = [...new Set(r.http.rows.map((row) => row.runtime))].join(', ')
    lines.push(
      `- Over real HTTP (Hono on ${runtimes}): ${span(of('ours', 'read'))} the floor middleware's throughput for a read, ${span(of('ours', 'changed'))} for a write; ahead of @hono/session, hono-sessions and iron-session on every runtime.`,
    )
  }
  const facts = r.requests?.facts.find((a) => a.id === 'ours')
  if (facts)
    lines.push(
      `- An unchanged session: ${facts.calls.unchanged} \`crypto.subtle\` call and ${facts.writes.unchanged} cookies written; none at all with the opt-in \`TokenCache\`.`,
    )
  const ours = r.codec?.facts.find((f) => f.id === 'ours')
  if (ours) lines.push(`- Cookie: ${ours.bytes['56 B']} bytes for a 56-byte session (\`name=value\`).`)
  const app = r.bundle?.find((b) => b.id === 'ours-app')
  if (app)
    lines.push(
      `- Bundle: ${app.gzip.toLocaleString('en-US')} bytes min+gzip for an app using \`withSession\`; opt-in features ship only if imported.`,
    )
  return lines.join('\n')
}

/** Replaces the block between `<!-- name:start -->` and `<!-- name:end -->` in `file`. */
function replaceBlock(file: string, name: string, text: string): void {
  const path = join(root, file)
  const content = readFileSync(path, 'utf8')
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const a = content.indexOf(start)
  const b = content.indexOf(end)
  if (a === -1 || b === -1) throw new Error(`${file} has no ${start} ... ${end} block`)
  writeFileSync(path, `${content.slice(0, a + start.length)}\n\n${text}\n${content.slice(b)}`)
}

/** Writes a run into bench/README.md's results block and the README's summary block. */
export function writeReadme(report: string, results: Results): void {
  replaceBlock('bench/README.md', 'bench', report)
  replaceBlock('README.md', 'bench-summary', summary(results))
}
