// `npm run bench -- --against <ref>`: the old build (the library at <ref>) and the new one (the
// working tree, or `--new <ref>`) timed side by side in one process per runtime, row by row, each
// round timing the floor, the old build and the new build back to back (bench/against/groups.ts).
//
//   npm run bench -- --against f6b1b5a                      Node, Bun, Deno, workerd; every section
//   npm run bench -- --against f6b1b5a --quick              fewer, shorter rounds: a smoke run
//   npm run bench -- --against f6b1b5a --runtimes node,workerd --only codec,requests,stages,bundle,http
//   npm run bench -- --against f6b1b5a --aa                 also the old build again, as a third build:
//                                                           the spread a build shows against itself
//   npm run bench -- --against f6b1b5a --json r.json        raw results (--from r.json prints them again)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRuntimes } from '../../scripts/runtimes.mjs'
import { bundleSize } from '../bundle.ts'
import type { HttpResult } from '../http.ts'
import { workerd } from '../runtimes.ts'
import { machine, runCli } from '../tools.ts'
import { type Build, bundleWith, entryOf, materialize } from './builds.ts'
import { httpAgainst, httpTable } from './http.ts'
import { type AgainstReport, againstTables, type BundleRow } from './report.ts'
import { type AgainstOptions, type AgainstResult, OPS, SECTIONS, type Section } from './sections.ts'

const ALL = [...SECTIONS, 'bundle', 'http'] as const
type Part = (typeof ALL)[number]

function arg(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? undefined : argv[at + 1]
}

/** The min+gzip size of an app using withSession, and of the whole entry, for every build. */
async function bundles(builds: readonly Build[]): Promise<BundleRow[]> {
  const entries = [
    {
      label: 'an app using withSession',
      source: (b: Build) => `export { withSession } from '${entryOf(b, 'sealed-session')}'`,
    },
    {
      label: 'sealed-session (whole entry)',
      source: (b: Build) => `export * from '${entryOf(b, 'sealed-session')}'`,
    },
  ]
  const rows: BundleRow[] = []
  for (const e of entries) {
    const gzip: Record<string, number> = {}
    for (const b of builds)
      gzip[b.label] = (await bundleSize({ id: b.label, label: e.label, source: e.source(b) })).gzip
    rows.push({ label: e.label, gzip })
  }
  return rows
}

async function runtime(name: string, dir: string, options: AgainstOptions): Promise<AgainstResult> {
  const cli = join(dir, 'cli.mjs')
  const json = JSON.stringify(options)
  if (name === 'node' || name === 'bun' || name === 'deno') return runCli<AgainstResult>(name, cli, json)
  // workerd's clock ticks in whole milliseconds: longer batches keep that error small.
  if (name === 'workerd')
    return workerd<AgainstResult>(
      join(dir, 'worker.mjs'),
      JSON.stringify({ ...options, batchMs: options.batchMs * 3 }),
    )
  throw new Error(`unknown runtime ${name}`)
}

export async function againstMain(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick')
  const from = arg(argv, 'from')
  const parts = new Set(
    (arg(argv, 'only')?.split(',') ?? ALL.filter((p) => p !== 'http' || !quick)) as Part[],
  )
  const runtimes =
    arg(argv, 'runtimes')?.split(',') ?? (quick ? ['node', 'workerd'] : ['node', 'bun', 'deno', 'workerd'])
  const rounds = arg(argv, 'rounds')
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
  let report: AgainstReport
  let http: HttpResult | undefined
  if (from) {
    ;({ report, http } = JSON.parse(readFileSync(from, 'utf8')))
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sealed-session-against-'))
    try {
      const against = arg(argv, 'against')!
      const builds = [
        materialize('old', against, join(dir, 'old')),
        materialize('new', arg(argv, 'new'), join(dir, 'new')),
      ]
      if (argv.includes('--aa')) builds.push(materialize('old-again', against, join(dir, 'old-again')))
      for (const b of builds) log(`${b.label}: ${b.ref} (${b.commit}, ${b.layout} layout)`)
      report = {
        builds: Object.fromEntries(
          builds.map((b) => [b.label, { ref: b.ref, commit: b.commit, layout: b.layout }]),
        ),
        runtimes: {},
      }
      const sections = SECTIONS.filter((s) => parts.has(s)) as Section[]
      if (sections.length) {
        if (runtimes.some((r) => r !== 'node')) ensureRuntimes()
        await bundleWith(
          builds,
          'bench/against/cli.ts',
          'await entry.main(BUILDS)',
          join(dir, 'cli.mjs'),
          'node',
        )
        await bundleWith(
          builds,
          'bench/against/worker.ts',
          'export default entry.worker(BUILDS)',
          join(dir, 'worker.mjs'),
          'neutral',
        )
        for (const name of runtimes) {
          const remote = name !== 'node'
          const timing = quick
            ? { rounds: remote ? 5 : 7, batchMs: 5 }
            : { rounds: Number(rounds ?? (remote ? 21 : 31)), batchMs: remote ? 10 : 8 }
          const options: AgainstOptions = {
            ...timing,
            sections,
            ops: remote ? ['round trip'] : [...OPS],
            codecSizes: ['56 B', '1 KB', '3 KB'],
            requestSizes: ['56 B', '3 KB'],
            stageSizes: ['56 B', '3 KB'],
          }
          log(`${name}: ${sections.join(', ')} (${timing.rounds} rounds of ${timing.batchMs} ms batches)`)
          try {
            report.runtimes[name] = await runtime(name, dir, options)
          } catch (error) {
            report.runtimes[name] = { error: String((error as Error).message ?? error).slice(0, 300) }
          }
        }
      }
      if (parts.has('bundle')) report.bundle = await bundles(builds)
      if (parts.has('http')) {
        log('http')
        http = await httpAgainst(
          builds,
          dir,
          {
            runtimes: arg(argv, 'http-runtimes')?.split(',') ?? (quick ? ['node'] : runtimes),
            rounds: Number(arg(argv, 'http-rounds') ?? (quick ? 1 : 5)),
            seconds: Number(arg(argv, 'http-seconds') ?? (quick ? 1 : 2)),
            connections: 10,
          },
          log,
        )
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const how = quick
    ? 'quick: 7 rounds of 5 ms on Node, 5 elsewhere'
    : `${rounds ?? '31'} rounds of 8 ms batches on Node, ${rounds ?? '21'} of 10 ms elsewhere (30 ms on workerd)`
  const out = [
    ...machine(
      `npm run bench -- ${argv.join(' ')}`,
      `${how}; each round times the floor, every build and, for requests, the bare app back to back`,
    ),
    '',
    againstTables(report),
  ]
  if (http) out.push(httpTable(http, Object.keys(report.builds)))
  console.log(out.join('\n'))
  const json = arg(argv, 'json')
  if (json) writeFileSync(json, JSON.stringify({ report, http }, null, 2))
}
