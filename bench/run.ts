// `npm run bench`: every measurement, side by side in one run, printed as Markdown tables.
//
//   npm run bench                       full run (about 12 minutes on 2 cores, 10 of them HTTP)
//   npm run bench -- --quick            fewer, shorter rounds, no HTTP: a smoke run (under a minute)
//   npm run bench -- --only codec,requests,traffic,revocation,device-bound,bytes,bundle,runtimes,http
//   npm run bench -- --runtimes bun,deno,workerd --codecs floor,ours-token,ours
//   npm run bench -- --only http --http-runtimes node,bun,deno,workerd --http-rounds 5 --http-seconds 2
//   npm run bench -- --json results.json --readme   (also rewrite bench/README.md's results block)
//   npm run bench -- --from results.json --readme   (tables from an earlier run, nothing measured)
//   npm run bench -- --against f6b1b5a [--quick]     the build at a git ref and this one, side by side
//
// Times are medians over interleaved rounds (bench/harness.ts); each ratio is taken between a
// candidate's batch and the floor's batch right beside it, so machine noise mostly cancels.
// Deterministic figures (crypto.subtle calls, cookie bytes, bundle bytes) are counted, not timed.
// The parts: bench/tools.ts (machine, tools, bundling), the sections (suite.ts, runtimes.ts,
// http.ts, revocation.ts, device-bound.ts, bundle.ts) and bench/report.ts (tables, targets, README block).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRuntimes } from '../scripts/runtimes.mjs'
import { bundleSizes } from './bundle.ts'
import { NODE_CODECS } from './codecs-node.ts'
import { deviceBoundSection } from './device-bound.ts'
import { httpSection } from './http.ts'
import {
  bundleTable,
  bytesTable,
  codecTable,
  deviceBoundTable,
  httpTable,
  type Results,
  requestTable,
  revocationTable,
  runtimeTable,
  stagesTable,
  targets,
  trafficTable,
  writeReadme,
} from './report.ts'
import { APPS, OURS_CACHED } from './requests.ts'
import { revocationSection } from './revocation.ts'
import { runtimesSection } from './runtimes.ts'
import { stagesSection } from './stages.ts'
import { codecSection, requestSection, trafficSection } from './suite.ts'
import { bin, machine } from './tools.ts'

const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(`--${name}`)
const value = (name: string) => {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? undefined : argv[at + 1]
}
// --against <ref>: the library at <ref> and the working tree, side by side (bench/against/run.ts).
if (value('against') !== undefined) {
  const { againstMain } = await import('./against/run.ts')
  await againstMain(argv)
  process.exit(0)
}
const quick = flag('quick')
const SECTIONS = [
  'codec',
  'requests',
  'traffic',
  'revocation',
  'device-bound',
  'bytes',
  'bundle',
  'runtimes',
  'stages',
  'http',
] as const
type Section = (typeof SECTIONS)[number]
const only = new Set((value('only')?.split(',') ?? SECTIONS) as Section[])
// The HTTP section takes minutes (real servers, seconds of load each): --quick leaves it out
// unless --only names it, and then runs one short round on Node alone.
if (quick && !value('only')) only.delete('http')
const wantedRuntimes = value('runtimes')?.split(',') ?? ['bun', 'deno', 'workerd']
const rounds = value('rounds')
const timing = quick ? { rounds: 5, batchMs: 5 } : { rounds: Number(rounds ?? 31), batchMs: 8 }
// --codecs floor,ours: only these codecs' round trips, on every runtime (no request section).
const codecs = value('codecs')?.split(',')
const remoteTiming = {
  ...(quick ? { rounds: 3, batchMs: 5 } : { rounds: Number(rounds ?? 15), batchMs: 10 }),
  ...(codecs ? { codecs } : {}),
  // Each step of the round trip, on workerd too (its own section in the report).
  ...(only.has('stages') ? { stages: true } : {}),
}

// Bun, Deno and workerd come from runtimes/, installed on first use (scripts/runtimes.mjs).
if (!value('from') && (only.has('runtimes') || only.has('stages') || only.has('http'))) ensureRuntimes()

// --- main ------------------------------------------------------------------------------------

const from = value('from')
// --from results.json: print (and with --readme, write) the tables of an earlier --json run.
const results: Results = from ? JSON.parse(readFileSync(from, 'utf8')) : {}
const out: string[] = [
  ...machine(
    `npm run bench${quick ? ' -- --quick' : ''}`,
    `${timing.rounds} rounds of ${timing.batchMs} ms batches per candidate on Node, ${remoteTiming.rounds} elsewhere, each batch beside a batch of the floor`,
  ),
  '',
]
const step = (name: string) => process.stderr.write(`bench: ${name}\n`)

if (!from && (only.has('codec') || only.has('bytes'))) {
  step('codecs')
  results.codec = await codecSection(
    NODE_CODECS.filter((c) => codecs === undefined || codecs.includes(c.id)),
    timing,
  )
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
if (!from && only.has('device-bound')) {
  step('device-bound')
  results.deviceBound = await deviceBoundSection(timing)
}
if (!from && only.has('bundle')) {
  step('bundle sizes')
  results.bundle = await bundleSizes()
}
if (!from && only.has('http')) {
  step('http')
  const dir = mkdtempSync(join(tmpdir(), 'sealed-session-http-'))
  try {
    results.http = await httpSection(
      quick
        ? { runtimes: ['node'], rounds: 1, seconds: 1, connections: 10 }
        : {
            runtimes: value('http-runtimes')?.split(',') ?? ['node', 'bun', 'deno', 'workerd'],
            rounds: Number(value('http-rounds') ?? 5),
            seconds: Number(value('http-seconds') ?? 2),
            connections: 10,
          },
      dir,
      bin,
      (line) => process.stderr.write(`${line}\n`),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (!from && only.has('runtimes')) {
  step(`runtimes (${wantedRuntimes.join(', ')})`)
  results.runtimes = await runtimesSection(wantedRuntimes, remoteTiming)
}

if (!from && only.has('stages')) {
  step('stages (Node, workerd)')
  const fromRuntimes = results.runtimes?.workerd
  const workerd =
    fromRuntimes && !('error' in fromRuntimes)
      ? fromRuntimes
      : (await runtimesSection(['workerd'], { ...remoteTiming, codecs: ['floor'], stages: true })).workerd
  results.stages = {
    node: await stagesSection(timing),
    workerd: workerd && !('error' in workerd) ? workerd.stages : [],
  }
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
if (results.deviceBound)
  out.push(
    '### Device binding (DBSC, through withSession), Node',
    '',
    deviceBoundTable(results.deviceBound),
    '',
  )
if (results.codec && results.requests && only.has('bytes'))
  out.push(
    '### Cookie bytes for the same data',
    '',
    bytesTable(results.codec.facts, results.requests.facts),
    '',
  )
if (results.bundle) out.push('### Bundle size', '', bundleTable(results.bundle), '')
if (results.runtimes) out.push('### Other runtimes', '', runtimeTable(results.runtimes), '')
if (results.stages) out.push('### Where a round trip goes (µs per step)', '', stagesTable(results.stages), '')
if (results.http)
  out.push('### Over HTTP (real servers on loopback, autocannon)', '', httpTable(results.http), '')

const report = out.join('\n')
console.log(report)
const jsonPath = value('json')
if (jsonPath) writeFileSync(jsonPath, JSON.stringify(results, null, 2))
if (flag('readme')) {
  writeReadme(report, results)
  step('bench/README.md and the README summary updated')
}
