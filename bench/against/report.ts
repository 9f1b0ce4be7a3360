// Tables of a side-by-side run (bench/against/run.ts): per runtime, each row's time for every build,
// the new build over the old one with its spread, and a verdict.

import { SIZES, type Size } from '../data.ts'
import type { Spread } from './groups.ts'
import type { AgainstResult, Row } from './sections.ts'

export interface BundleRow {
  label: string
  /** Per build label: min+gzip bytes. */
  gzip: Record<string, number>
}

export interface AgainstReport {
  /** Per build label: ref, commit and layout. */
  builds: Record<string, { ref: string; commit: string; layout: string }>
  runtimes: Record<string, AgainstResult | { error: string }>
  bundle?: BundleRow[]
}

// JSON turns NaN (a ratio with no floor, a clock that did not move) into null.
const known = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const x = (n: number | null | undefined) => (known(n) ? `${n.toFixed(2)}x` : '–')
const us = (ns: number | null | undefined) => (known(ns) ? (ns / 1000).toFixed(2) : '–')

/** 'slower' when even the lower quartile of the per-round ratios is above 1, 'faster' when the upper is below. */
export function verdict(s: Spread | undefined): 'slower' | 'faster' | 'same' {
  if (s === undefined || !known(s.median) || !known(s.p25) || !known(s.p75)) return 'same'
  if (s.p25 > 1) return 'slower'
  if (s.p75 < 1) return 'faster'
  return 'same'
}

const VERDICT = { slower: '**slower**', faster: 'faster', same: 'within spread' }

const cell = (s: Spread | undefined) =>
  s === undefined || !known(s.median)
    ? '–'
    : `${s.median.toFixed(3)} (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}

/** One line per row: time per build, vs floor per build, and every other build over the old one. */
function rowsTable(rows: Row[], labels: string[], kind: 'codec' | 'requests' | 'stages'): string {
  const others = labels.filter((l) => l !== 'old')
  const head = [
    kind === 'stages' ? 'step' : kind === 'codec' ? 'row, op' : 'app, scenario',
    'size',
    ...labels.map((l) => `${l} µs`),
    ...(kind === 'stages'
      ? []
      : labels.map((l) => `${l} vs floor${kind === 'requests' ? ' (overhead)' : ''}`)),
    ...others.map((l) => `${l} ÷ old${kind === 'requests' ? ' (overhead)' : ''}, median (p25–p75)`),
    ...(kind === 'requests' ? others.map((l) => `${l} ÷ old (request time)`) : []),
    'verdict (new)',
  ]
  const body = rows.map((r) => [
    kind === 'stages' ? r.id : `${r.id}, ${r.what}`,
    r.size,
    ...labels.map((l) => us(r.ns[l])),
    ...(kind === 'stages' ? [] : labels.map((l) => x(r.vsFloor[l]?.median))),
    ...others.map((l) => cell(r.vsOld[l])),
    ...(kind === 'requests' ? others.map((l) => cell(r.timeVsOld?.[l])) : []),
    VERDICT[verdict(r.vsOld.new)],
  ])
  return table(head, body)
}

/** The issue's workerd target: the store round trip (and the token alone) over the floor, per size. */
export function floorTargets(report: AgainstReport, runtime: string, limit = 1.3): string {
  const result = report.runtimes[runtime]
  if (result === undefined || 'error' in result) return ''
  const labels = Object.keys(report.builds)
  const body: string[][] = []
  for (const id of ['store-encrypted', 'token-encrypted']) {
    for (const label of labels) {
      const at = (size: Size) =>
        result.rows.find(
          (r) => r.section === 'codec' && r.id === id && r.what === 'round trip' && r.size === size,
        )?.vsFloor[label]
      const cells = SIZES.map((s) => at(s))
      if (cells.every((c) => c === undefined)) continue
      const met = cells.every((c) => c !== undefined && c.median <= limit)
      body.push([
        `${id.replace('-encrypted', '')}, ${label}`,
        cells
          .map((c) => (c === undefined ? '–' : `${x(c.median)} (${c.p25.toFixed(2)}–${c.p75.toFixed(2)})`))
          .join(' / '),
        id === 'store-encrypted' ? (met ? 'met' : '**missed**') : '',
      ])
    }
  }
  return table(
    [`${runtime} round trip vs floor (encrypted)`, '56 B / 1 KB / 3 KB, median (p25–p75)', `≤ ${limit}x`],
    body,
  )
}

export function againstTables(report: AgainstReport): string {
  const labels = Object.keys(report.builds)
  const out: string[] = []
  out.push(
    table(
      ['build', 'ref', 'commit', 'layout'],
      labels.map((l) => [l, report.builds[l]!.ref, report.builds[l]!.commit, report.builds[l]!.layout]),
    ),
    '',
  )
  for (const [runtime, result] of Object.entries(report.runtimes)) {
    out.push(`### ${runtime}`, '')
    if ('error' in result) {
      out.push(`Did not run: ${result.error}`, '')
      continue
    }
    const slower = result.rows.filter((r) => verdict(r.vsOld.new) === 'slower')
    out.push(
      `${result.rows.length} rows; new slower than old beyond the spread on ${slower.length}` +
        (slower.length ? `: ${slower.map((r) => `${r.id} ${r.what} ${r.size}`).join('; ')}` : '') +
        '.',
      '',
    )
    const target = floorTargets(report, runtime)
    if (target) out.push(target, '')
    for (const kind of ['codec', 'requests', 'stages'] as const) {
      const rows = result.rows.filter((r) => r.section === kind)
      if (rows.length) out.push(`#### ${kind}, ${runtime}`, '', rowsTable(rows, labels, kind), '')
    }
    const facts = result.facts
    const factRows = Object.entries(facts.requests[labels[0]!] ?? {}).map(([id]) => [
      id,
      ...labels.map((l) => {
        const f = facts.requests[l]?.[id]
        return f ? `${Object.values(f.calls).join('/')} · ${Object.values(f.writes).join('/')}` : '–'
      }),
    ])
    if (factRows.length)
      out.push(
        table(['subtle calls · Set-Cookie (new/unchanged/changed)', ...labels], factRows),
        '',
        `Store cookie bytes (56 B / 1 KB / 3 KB): ${labels
          .map((l) => `${l} ${SIZES.map((s) => facts.bytes[l]?.[s] ?? '–').join(' / ')}`)
          .join(', ')}`,
        '',
        `crypto.getRandomValues calls per store write of a new session: ${labels.map((l) => `${l} ${facts.draws?.[l] ?? '–'}`).join(', ')}`,
        '',
      )
  }
  if (report.bundle)
    out.push(
      '### Bundle size (min+gzip, bytes)',
      '',
      table(
        ['entry', ...labels],
        report.bundle.map((b) => [b.label, ...labels.map((l) => String(b.gzip[l] ?? '–'))]),
      ),
      '',
    )
  return out.join('\n')
}
