#!/usr/bin/env node
// `npm test` after lint and type-check: compiles the suite once, runs it on each runtime, and
// prints a summary per runtime and a final `N passed, N failed` line.
//
//   node test/run.mjs [runtime ...] [--filter text]
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const filterAt = args.indexOf('--filter')
const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
const wanted = args.length > 0 ? args : ['node', 'browser', 'soak']

/** Compiles test/all.ts with `sealed-session` resolved to the source (or, later, the built package). */
async function compile(outfile) {
  mkdirSync(`${root}.test-build`, { recursive: true })
  await build({
    entryPoints: [`${root}test/all.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['worker', 'browser'],
    logLevel: 'warning',
    // package.json says sideEffects: false (true of src/), but test files register tests on import.
    ignoreAnnotations: true,
    alias: { 'sealed-session/hono': `${root}src/hono.ts`, 'sealed-session': `${root}src/index.ts` },
  })
  return outfile
}

function exec(command, argv) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      process.stdout.write(chunk)
    })
    child.on('close', (code) => resolve({ code, out }))
  })
}

const runtimes = {
  node: (suite) => exec(process.execPath, ['test/runtimes/node.mjs', suite, ...(filter ? [filter] : [])]),
  // Chromium end to end against the demo on each runtime; it ignores the compiled suite.
  browser: () => exec(process.execPath, ['test/browser/run.mjs', ...(filter ? ['--filter', filter] : [])]),
  // The Node demo under 15 s of load from this machine's loopback (npm run soak: 120 s).
  soak: () => exec(process.execPath, ['test/soak.mjs', '--seconds', '15']),
}

const suite = await compile(`${root}.test-build/suite.js`)
const totals = { passed: 0, failed: 0 }
const summary = []
for (const name of wanted) {
  const runner = runtimes[name]
  if (!runner) throw new Error(`unknown runtime ${name}; known: ${Object.keys(runtimes).join(', ')}`)
  console.log(`\n=== ${name}`)
  const { code, out } = await runner(suite)
  const counts = /(\d+) passed, (\d+) failed/.exec(
    out
      .split('\n')
      .reverse()
      .find((l) => /passed, \d+ failed/.test(l)) ?? '',
  )
  const passed = counts ? Number(counts[1]) : 0
  const failed = counts ? Number(counts[2]) : 0
  // A runner that died without a summary counts as one failure.
  const dead = code !== 0 && failed === 0 ? 1 : 0
  totals.passed += passed
  totals.failed += failed + dead
  summary.push(
    `${name.padEnd(14)} ${passed} passed, ${failed + dead} failed${dead ? ' (runner exited abnormally)' : ''}`,
  )
}
console.log(`\n=== summary\n${summary.join('\n')}`)
console.log(`${totals.passed} passed, ${totals.failed} failed`)
process.exitCode = totals.failed > 0 ? 1 : 0
