// Runs a compiled suite inside workerd (through miniflare), as a Worker whose fetch runs the suite
// and answers with the results as JSON. The compatibility date is wrangler.toml's.
//   node test/runtimes/workerd.mjs <absolute suite.js> [filter] [--flag nodejs_compat]
//     [--miniflare miniflare5]
// Without nodejs_compat workerd has no `node:` module at all, so a pass there proves nothing the
// suite reaches leans on Node; the runner also checks that the flag really changes that.
// miniflare comes from runtimes/ (scripts/runtimes.mjs; test/run.mjs installs it first): by
// default `miniflare` (4, the workerd pinned there, on any Node 18+), or with --miniflare another
// install of it, such as `miniflare5` (the workerd current wrangler runs; Node 22.12+). Each major
// takes its options in its own shape: see optionsV4 and optionsV5.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { requireFromRuntimes } from '../../scripts/runtimes.mjs'
import { stackMapper } from './source-map.mjs'

const args = process.argv.slice(2)
const flags = []
for (let i = args.indexOf('--flag'); i !== -1; i = args.indexOf('--flag'))
  flags.push(...args.splice(i, 2).slice(1))
const miniflareAt = args.indexOf('--miniflare')
const miniflare = miniflareAt === -1 ? 'miniflare' : args.splice(miniflareAt, 2)[1]
const { Miniflare } = requireFromRuntimes(miniflare)
const major = Number(requireFromRuntimes(`${miniflare}/package.json`).version.split('.')[0])
const [suite, filter] = args
const root = new URL('../..', import.meta.url)
const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(
  readFileSync(new URL('wrangler.toml', root), 'utf8'),
)[1]
// The workerd that miniflare itself runs, wherever npm placed it.
const version = createRequire(requireFromRuntimes.resolve(miniflare))('workerd/package.json').version

// The revocation store tests reach a real KV namespace and Durable Object through env.
const worker = `import { run } from './${suite.split('/').pop()}'
export { RevocationObject } from './${suite.split('/').pop()}'
export default {
  async fetch(request, env) {
    const options = await request.json()
    const lines = []
    const result = await run((line) => lines.push(line), { ...options, bindings: env })
    const spec = 'node:buffer' // a variable, so only the runtime (not miniflare) resolves it
    const nodeModules = await import(spec).then(() => true, () => false)
    return Response.json({ ...result, lines, nodeModules })
  },
}`
const runtime = `workerd ${version} (${date}${flags.map((f) => `, ${f}`).join('')})`
const dir = dirname(suite)
const code = readFileSync(suite, 'utf8')
// workerd ignores the suite's inline source map: its stack frames are mapped here.
const mapStack = stackMapper(suite, code)
const modules = [
  { path: `${dir}/runner-worker.js`, contents: worker },
  { path: suite, contents: code },
]
const options = { 4: optionsV4, 5: optionsV5 }[major]
if (!options) throw new Error(`${miniflare} is miniflare ${major}; this runner knows 4 and 5`)
const mf = new Miniflare(options())
try {
  const response = await mf.dispatchFetch('http://localhost/', {
    method: 'POST',
    body: JSON.stringify({ runtime, ci: process.env.CI === 'true', filter }),
  })
  const result = await response.json()
  for (const line of result.lines) console.log(mapStack(line))
  const wantNode = flags.includes('nodejs_compat')
  if (result.nodeModules === wantNode) result.passed++
  else {
    result.failed++
    console.log(
      `FAIL workerd › node: modules are ${wantNode ? '' : 'un'}available as flagged (got the opposite)`,
    )
  }
  const skipped = result.skipped ? `, ${result.skipped} skipped` : ''
  console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed${skipped}`)
  process.exitCode = result.failed > 0 ? 1 : 0
} finally {
  await mf.dispose()
}

// The same Worker in each major's shape: two ES modules under `dir`, the first one the entry; the
// compatibility date and flags; a KV namespace REVOCATION_KV and a Durable Object REVOCATION_DO
// of the suite's class RevocationObject.

/** miniflare 4: one flat object per Worker. Its Durable Objects keep the key-value storage. */
function optionsV4() {
  return {
    modulesRoot: dir,
    modules: modules.map((m) => ({ type: 'ESModule', ...m })),
    compatibilityDate: date,
    compatibilityFlags: flags,
    kvNamespaces: ['REVOCATION_KV'],
    durableObjects: { REVOCATION_DO: 'RevocationObject' },
  }
}

/**
 * miniflare 5: `workers`, each a `config` much like wrangler's (a module manifest, `env` for the
 * bindings, `exports` for the Durable Object classes it defines). The Durable Object uses SQLite
 * storage, as wrangler.toml's migration (`new_sqlite_classes`) declares it.
 */
function optionsV5() {
  const name = 'suite'
  const relative = (path) => path.slice(dir.length + 1)
  return {
    workers: [
      {
        config: {
          name,
          compatibilityDate: date,
          compatibilityFlags: flags,
          manifest: {
            mainModule: relative(modules[0].path),
            modulesRoot: dir,
            modules: Object.fromEntries(
              modules.map((m) => [relative(m.path), { type: 'esm', contents: m.contents }]),
            ),
          },
          env: {
            REVOCATION_KV: { type: 'kv', id: 'REVOCATION_KV' },
            REVOCATION_DO: { type: 'durable-object', worker: name, exportName: 'RevocationObject' },
          },
          exports: { RevocationObject: { type: 'durable-object', storage: 'sqlite' } },
        },
      },
    ],
  }
}
