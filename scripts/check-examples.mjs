// Each runtime example installs only the tool it runs, from a lockfile of its own
// (`npm run start:worker`, `start:bun`, `start:deno`; examples/node for a start without the
// repository's development tools). The test suite drives the same examples with its own installs
// (runtimes/, and the root's node_modules for tsx), so this checks, offline, that every tool an
// example pins is the version the suite runs: what a reader starts is what was tested.
//
//   node scripts/check-examples.mjs
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The folders with a lockfile of their own that a runtime example starts from. */
export const EXAMPLE_INSTALLS = ['examples/cloudflare', 'examples/bun', 'examples/deno/cli', 'examples/node']
/** Where the suite's copy of each tool is pinned. */
const SUITE_INSTALLS = ['runtimes', '.']

const lock = (dir) => JSON.parse(readFileSync(`${root}${dir}/package-lock.json`, 'utf8')).packages

const problems = []
let pinned = 0
for (const dir of EXAMPLE_INSTALLS) {
  const manifest = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8'))
  const wanted = { ...manifest.dependencies, ...manifest.devDependencies }
  const locked = lock(dir)
  const recorded = { ...locked[''].dependencies, ...locked[''].devDependencies }
  if (JSON.stringify(Object.keys(wanted).sort()) !== JSON.stringify(Object.keys(recorded).sort())) {
    problems.push(`${dir}: package-lock.json is out of date (npm install --prefix ${dir})`)
    continue
  }
  for (const [name, range] of Object.entries(wanted)) {
    pinned++
    const version = locked[`node_modules/${name}`]?.version
    if (range !== version)
      problems.push(`${dir}: pin ${name} exactly (${range}; the lockfile has ${version})`)
    const suite = SUITE_INSTALLS.map((d) => [d, lock(d)[`node_modules/${name}`]?.version]).find(([, v]) => v)
    if (!suite) problems.push(`${dir}: ${name} is in no install the test suite runs from`)
    else if (suite[1] !== version) {
      problems.push(
        `${dir}: ${name} ${version}, but the suite runs ${suite[1]} (${suite[0]}/package-lock.json)`,
      )
    }
  }
}
for (const p of problems) console.error(`mismatch: ${p}`)
console.log(
  `${pinned} tools pinned in ${EXAMPLE_INSTALLS.length} example installs, ${problems.length} mismatched`,
)
process.exitCode = problems.length === 0 ? 0 : 1
