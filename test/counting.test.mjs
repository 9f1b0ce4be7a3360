#!/usr/bin/env node
// The counting protocol of test/counting.mjs, and the fresh-machine case end to end: without
// Chromium, `node test/run.mjs browser` reports a skip and exits 0, and fails under CI=true. Also
// test/harness.ts's marks: test.skip counted, test.only alone (a failure under CI=true), and a
// name registered twice. And test/suite-list.mjs: a test file test/all.ts does not import is named
// before anything compiles. Node only, no browser and no server (the browser suite looks for
// Chromium before starting anything).
//   node test/counting.test.mjs
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { countTarget } from './counting.mjs'
import { unlisted } from './suite-list.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const counts = { passed: 0, failed: 0 }
function check(name, fn) {
  try {
    fn()
    counts.passed++
    console.log(`ok   ${name}`)
  } catch (error) {
    counts.failed++
    console.log(`FAIL ${name}\n  ${String(error?.message ?? error).replaceAll('\n', '\n  ')}`)
  }
}
const totals = ({ passed, failed, skipped }) => [passed, failed, skipped]
const SKIP = 'skip bun: runtimes/node_modules/.bin/bun is missing (set CI=true to make this a failure)'

check('a runner that passed and failed is counted as it says', () => {
  assert.deepEqual(totals(countTarget(0, 'node v20.1.0: 5 passed, 0 failed\n', false)), [5, 0, 0])
  assert.deepEqual(totals(countTarget(1, 'x\n3 passed, 2 failed\n', false)), [3, 2, 0])
})

check('a runner that died, or ran nothing, is one failure', () => {
  assert.deepEqual(totals(countTarget(1, 'Error: boom\n', false)), [0, 1, 0])
  assert.deepEqual(totals(countTarget(0, '0 passed, 0 failed\n', false)), [0, 1, 0])
  assert.deepEqual(totals(countTarget(1, '4 passed, 0 failed\n', false)), [4, 1, 0])
})

check('under --filter, a runner with nothing matching counts nothing; one that died still fails', () => {
  assert.deepEqual(totals(countTarget(0, 'node v20.1.0: 0 passed, 0 failed\n', true, true)), [0, 0, 0])
  assert.deepEqual(totals(countTarget(1, 'Error: boom\n', false, true)), [0, 1, 0])
})

check('outside CI a runner that only skipped is one skip, with its reason', () => {
  const counted = countTarget(0, `${SKIP}\n0 passed, 0 failed, 1 skipped\n`, false)
  assert.deepEqual(totals(counted), [0, 0, 1])
  assert.equal(counted.text, 'skipped (bun: runtimes/node_modules/.bin/bun is missing)')
  assert.deepEqual(totals(countTarget(0, `${SKIP}\n4 passed, 0 failed, 1 skipped\n`, false)), [4, 0, 1])
})

check('under CI=true every skip is a failure, even one the runner let pass', () => {
  assert.deepEqual(totals(countTarget(0, `${SKIP}\n0 passed, 0 failed, 1 skipped\n`, true)), [0, 1, 0])
  assert.deepEqual(totals(countTarget(0, `${SKIP}\n4 passed, 0 failed, 1 skipped\n`, true)), [4, 1, 0])
})

/** `node test/run.mjs browser` with no Chromium, CI=true or unset. */
function browserWithoutChromium(ci) {
  const env = { ...process.env, CHROMIUM_PATH: `${root}no-such-dir/chromium` }
  delete env.CI
  if (ci) env.CI = 'true'
  const run = spawnSync(process.execPath, ['test/run.mjs', 'browser'], { cwd: root, env, encoding: 'utf8' })
  const lines = run.stdout.trim().split('\n')
  return { status: run.status, summary: lines.find((l) => l.startsWith('browser ')), last: lines.at(-1) }
}

check('without Chromium and CI, npm test counts the browser suite as skipped and passes', () => {
  const run = browserWithoutChromium(false)
  assert.equal(run.last, '0 passed, 0 failed, 1 skipped')
  assert.match(run.summary ?? '', /^browser +skipped \(browser suite: no Chromium at /)
  assert.equal(run.status, 0)
})

check('without Chromium under CI=true, the browser suite is a failure', () => {
  const run = browserWithoutChromium(true)
  assert.equal(run.last, '0 passed, 1 failed, 0 skipped')
  assert.equal(run.status, 1)
})

/** Registers `body`'s tests with test/harness.ts and runs them; what run() printed and returned. */
function harness(body, ci) {
  const code = `import { describe, test, run } from './test/harness.ts'
const ran = []
${body}
const lines = []
const result = await run((l) => lines.push(l), { runtime: 'node', ci: ${ci} })
console.log(JSON.stringify({ ...result, failures: result.failures.map((f) => f.name), lines, ran }))`
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  })
  assert.equal(child.status, 0, child.stderr)
  return JSON.parse(child.stdout)
}

const MARKED = `test('a', () => { ran.push('a') })
test.skip('b', () => { ran.push('b') })
describe.only('g', () => { test('c', () => { ran.push('c') }) })`

check('test.skip is printed and counted, never run; test.only runs alone and says so', () => {
  const r = harness(MARKED.replace('describe.only', 'describe'), false)
  assert.deepEqual([r.passed, r.failed, r.skipped, r.ran], [2, 0, 1, ['a', 'c']])
  assert.ok(r.lines.includes('skip b: marked test.skip (set CI=true to make this a failure)'))
  const only = harness(MARKED, false)
  assert.deepEqual([only.passed, only.failed, only.skipped, only.ran], [1, 0, 0, ['c']])
  assert.match(only.lines[0], /^only: running the 1 test\(s\) marked .*: g › c$/)
})

check('under CI=true a test.only or a test.skip fails the run', () => {
  assert.deepEqual(harness(MARKED, true).failures, ['test.only'])
  assert.deepEqual(harness(MARKED.replace('describe.only', 'describe'), true).failures, ['b'])
})

check('a test name registered twice is a failure', () => {
  const r = harness(
    `test('same', () => {})\ndescribe('g', () => { test('x', () => {}) })\ntest('g › x', () => {})`,
    false,
  )
  assert.deepEqual(r.failures, ['g › x'])
})

check(
  'a test file test/all.ts does not import, at any depth, is named; commented-out imports do not count',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-list-'))
    try {
      mkdirSync(join(dir, 'test/security/deep'), { recursive: true })
      mkdirSync(join(dir, 'test/node_modules/x'), { recursive: true })
      const files = ['a.test.ts', 'b.test.ts', 'security/c.test.ts', 'security/deep/d.test.ts', 'e.test.ts']
      for (const f of files) writeFileSync(join(dir, 'test', f), '')
      // Not test files of the suite: helpers, type tests, Node-only scripts, installed packages.
      for (const f of ['helpers.ts', 'types.test-d.ts', 'counting.test.mjs', 'node_modules/x/y.test.ts']) {
        writeFileSync(join(dir, 'test', f), '')
      }
      const allTs = (lines) => writeFileSync(join(dir, 'test/all.ts'), lines.join('\n'))
      allTs([
        "import './a.test.ts'",
        "import './security/c.test.ts'",
        "// import './b.test.ts'",
        "/* import './e.test.ts' */",
        "export { run } from './harness.ts'",
      ])
      assert.deepEqual(unlisted(dir), ['b.test.ts', 'e.test.ts', 'security/deep/d.test.ts'])
      allTs(files.map((f) => `import "./${f}"`))
      assert.deepEqual(unlisted(dir), [])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    assert.deepEqual(unlisted(root), [], 'this repository: every test file is in the suite')
  },
)

console.log(`${counts.passed} passed, ${counts.failed} failed`)
process.exitCode = counts.failed > 0 ? 1 : 0
