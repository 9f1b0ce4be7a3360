// `npm run bench`: every measurement, side by side in one run, printed as Markdown tables.
//
//   npm run bench                       full run (about two minutes on 2 cores)
//   npm run bench -- --quick            fewer, shorter rounds: a smoke run (well under a minute)
//   npm run bench -- --only codec,requests,traffic,revocation,bytes,bundle,runtimes
//   npm run bench -- --runtimes bun,deno,workerd
//   npm run bench -- --json results.json --readme   (also rewrite bench/README.md's results block)
//   npm run bench -- --from results.json --readme   (tables from an earlier run, nothing measured)
//
// Times are medians over interleaved rounds (bench/harness.ts); each ratio is taken between a
// candidate's batch and the floor's batch right beside it, so machine noise mostly cancels.
// Deterministic figures (crypto.subtle calls, cookie bytes, bundle bytes) are counted, not timed.

import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { ensureRuntimes, requireFromRuntimes, tool } from '../scripts/runtimes.mjs'
import { type BundleSize, bundleSizes, CORE_TARGET } from './bundle.ts'
import { CODECS } from './codecs.ts'
import { keygrip } from './codecs-node.ts'
import { SIZES, type Size } from './data.ts'
import type { PortableResult } from './portable.ts'
import { APPS, OURS_CACHED, SCENARIOS } from './requests.ts'
import { type RevocationRow, revocationSection, revocationTable } from './revocation.ts'
import {
  type CodecFacts,
  type CodecRow,
  codecSection,
  OPS,
  type RequestRow,
  requestSection,
  type Skipped,
  type TrafficRow,
  trafficSection,
} from './suite.ts'

const root = new URL('..', import.meta.url).pathname
const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(`--${name}`)
const value = (name: string) => {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? undefined : argv[at + 1]
}
const quick = flag('quick')
const SECTIONS = ['codec', 'requests', 'traffic', 'revocation', 'bytes', 'bundle', 'runtimes'] as const
type Section = (typeof SECTIONS)[number]
const only = new Set((value('only')?.split(',') ?? SECTIONS) as Section[])
const wantedRuntimes = value('runtimes')?.split(',') ?? ['bun', 'deno', 'workerd']
const timing = quick ? { rounds: 5, batchMs: 5 } : { rounds: 31, batchMs: 8 }
const remoteTiming = quick ? { rounds: 3, batchMs: 5 } : { rounds: 15, batchMs: 10 }
// Bun, Deno and miniflare (workerd) come from runtimes/, installed on first use (scripts/runtimes.mjs).
if (!value('from') && only.has('runtimes')) ensureRuntimes()

/** The little of miniflare's API used here; it is installed in runtimes/, out of tsc's sight. */
type MiniflareClass = new (options: {
  modules: { type: 'ESModule'; path: string; contents: string }[]
  compatibilityDate: string
}) => { dispatchFetch(url: string, init: RequestInit): Promise<Response>; dispose(): Promise<void> }

const CODEC_ENTRIES = [
  ...CODECS,
  { id: 'keygrip', label: 'cookie-session scheme (keygrip, Node only)', factory: keygrip },
]
const LABELS = new Map<string, string>([
  ...CODEC_ENTRIES.map((c) => [c.id, c.label] as const),
  ...[...APPS, OURS_CACHED].map((a) => [`app:${a.id}`, a.label] as const),
])
const label = (id: string, app = false) => LABELS.get(app ? `app:${id}` : id) ?? id

// --- formatting ------------------------------------------------------------------------------

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

// --- the machine -----------------------------------------------------------------------------

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(
      '\n',
    )[0]!
  } catch {
    return 'not available'
  }
}

function machine(): string[] {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  let workerd = 'not available'
  try {
    workerd = requireFromRuntimes('workerd/package.json').version
  } catch {}
  return [
    `- Machine: ${availableParallelism()} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; shared with other jobs while measuring, hence ratios rather than absolute times`,
    `- Runtimes: Node ${process.version}, Bun ${version(tool('bun'), ['--version'])}, ${version(tool('deno'), ['--version'])}, workerd ${workerd} (through Miniflare)`,
    `- Command: \`npm run bench${quick ? ' -- --quick' : ''}\` (${timing.rounds} rounds of ${timing.batchMs} ms batches per candidate on Node, ${remoteTiming.rounds} elsewhere, each batch beside a batch of the floor), ${new Date().toISOString().slice(0, 10)}`,
  ]
}

// --- other runtimes --------------------------------------------------------------------------

async function bundle(entry: string, outfile: string, platform: 'node' | 'neutral'): Promise<void> {
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform,
    mainFields: ['module', 'main'],
    conditions: platform === 'neutral' ? ['worker', 'browser'] : [],
    logLevel: 'error',
    // CommonJS peers (keygrip) call require('crypto'); give the ESM bundle a real require.
    banner:
      platform === 'node'
        ? {
            js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
          }
        : {},
  })
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${command} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`))
    })
  })
}

async function runtimes(): Promise<Record<string, PortableResult | { error: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-session-bench-'))
  const results: Record<string, PortableResult | { error: string }> = {}
  try {
    const cli = join(dir, 'cli.mjs')
    const worker = join(dir, 'worker.mjs')
    await bundle('bench/portable-cli.ts', cli, 'node')
    await bundle('bench/portable-worker.ts', worker, 'neutral')
    const options = JSON.stringify(remoteTiming)
    for (const name of wantedRuntimes) {
      process.stderr.write(`  ${name}...\n`)
      try {
        if (name === 'bun') results.bun = JSON.parse(await run(tool('bun'), [cli, options]))
        else if (name === 'deno')
          results.deno = JSON.parse(
            await run(tool('deno'), [
              'run',
              '--quiet',
              '--no-prompt',
              '--allow-read',
              '--allow-env',
              '--allow-sys',
              cli,
              options,
            ]),
          )
        // workerd's clock ticks in whole milliseconds: longer batches keep that error small.
        else if (name === 'workerd')
          results.workerd = await workerd(
            worker,
            JSON.stringify({ ...remoteTiming, batchMs: remoteTiming.batchMs * 3 }),
          )
        else throw new Error(`unknown runtime ${name}`)
      } catch (error) {
        results[name] = { error: String((error as Error).message ?? error) }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

async function workerd(scriptPath: string, options: string): Promise<PortableResult> {
  const { Miniflare } = requireFromRuntimes('miniflare') as { Miniflare: MiniflareClass }
  // The bundle is one self-contained module, handed over as text (a path outside the working
  // directory is refused as a module root).
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.mjs', contents: readFileSync(scriptPath, 'utf8') }],
    compatibilityDate: '2025-09-01',
  })
  try {
    const response = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: options })
    const text = await response.text()
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  } finally {
    await mf.dispose()
  }
}

// --- reports ---------------------------------------------------------------------------------

function codecTable(rows: CodecRow[], facts: CodecFacts[]): string {
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

function requestTable(
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

function trafficTable(rows: TrafficRow[]): string {
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

function bytesTable(
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

function bundleTable(sizes: BundleSize[]): string {
  return table(
    ['bundle (esbuild, minified)', 'min bytes', 'min+gzip bytes'],
    sizes.map((s) => [s.label, String(s.min), String(s.gzip)]),
  )
}

function runtimeTable(results: Record<string, PortableResult | { error: string }>): string {
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

interface Results {
  codec?: Awaited<ReturnType<typeof codecSection>>
  requests?: Awaited<ReturnType<typeof requestSection>>
  traffic?: TrafficRow[]
  revocation?: RevocationRow[]
  bundle?: BundleSize[]
  runtimes?: Record<string, PortableResult | { error: string }>
}

function targets(r: Results): string {
  const rows: string[][] = []
  const verdict = (met: boolean) => (met ? 'met' : '**missed**')
  if (r.codec) {
    for (const id of ['ours', 'ours-signed']) {
      const trips = SIZES.map(
        (s) =>
          r.codec!.rows.find((row) => row.id === id && row.op === 'round trip' && row.size === s)?.ratio ??
          Number.NaN,
      )
      rows.push([
        `round trip ≤ 1.10x the floor at every size (${label(id)})`,
        trips.map(x).join(' / '),
        verdict(trips.every((t) => t <= 1.1)),
      ])
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
        .filter((a) => !['bare', 'floor', 'ours', 'ours-cache'].includes(a.id))
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
  return table(['target', 'measured', 'verdict'], rows)
}

// --- main ------------------------------------------------------------------------------------

const from = value('from')
// --from results.json: print (and with --readme, write) the tables of an earlier --json run.
const results: Results = from ? JSON.parse(readFileSync(from, 'utf8')) : {}
const out: string[] = [...machine(), '']
const step = (name: string) => process.stderr.write(`bench: ${name}\n`)

if (!from && (only.has('codec') || only.has('bytes'))) {
  step('codecs')
  results.codec = await codecSection(CODEC_ENTRIES, timing)
}
if (!from && (only.has('requests') || only.has('bytes'))) {
  step('requests')
  results.requests = await requestSection([...APPS, OURS_CACHED], timing, ['56 B', '3 KB'])
}
if (!from && only.has('traffic')) {
  step('read-mostly traffic')
  results.traffic = await trafficSection(
    [...APPS.filter((a) => a.id === 'bare' || a.id === 'floor' || a.id === 'ours'), OURS_CACHED],
    timing,
  )
}
if (!from && only.has('revocation')) {
  step('revocation')
  results.revocation = await revocationSection(timing)
}
if (!from && only.has('bundle')) {
  step('bundle sizes')
  results.bundle = await bundleSizes()
}
if (!from && only.has('runtimes')) {
  step(`runtimes (${wantedRuntimes.join(', ')})`)
  results.runtimes = await runtimes()
}

out.push('### Targets', '', targets(results), '')
if (results.codec && only.has('codec'))
  out.push('### Codec, Node', '', codecTable(results.codec.rows, results.codec.facts), '')
if (results.requests && only.has('requests'))
  out.push(
    '### Requests through Hono, Node',
    '',
    requestTable(results.requests.rows, results.requests.facts, ['56 B', '3 KB']),
    '',
  )
if (results.traffic)
  out.push(
    '### Read-mostly traffic (9 reads : 1 write, 64 sessions), Node',
    '',
    trafficTable(results.traffic),
    '',
  )
if (results.revocation)
  out.push('### Revocation (memory store, through Hono), Node', '', revocationTable(results.revocation), '')
if (results.codec && results.requests && only.has('bytes'))
  out.push(
    '### Cookie bytes for the same data',
    '',
    bytesTable(results.codec.facts, results.requests.facts),
    '',
  )
if (results.bundle) out.push('### Bundle size', '', bundleTable(results.bundle), '')
if (results.runtimes) out.push('### Other runtimes', '', runtimeTable(results.runtimes), '')

const report = out.join('\n')
console.log(report)
const jsonPath = value('json')
if (jsonPath) writeFileSync(jsonPath, JSON.stringify(results, null, 2))
if (flag('readme')) {
  const path = join(root, 'bench', 'README.md')
  const readme = readFileSync(path, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const a = readme.indexOf(start)
  const b = readme.indexOf(end)
  if (a === -1 || b === -1) throw new Error(`bench/README.md has no ${start} ... ${end} block`)
  writeFileSync(path, `${readme.slice(0, a + start.length)}\n\n${report}\n${readme.slice(b)}`)
  step('bench/README.md updated')
}
