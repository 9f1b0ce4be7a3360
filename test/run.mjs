#!/usr/bin/env node
// `npm test` after lint and type-check: compiles the suite once, runs it unchanged on every
// runtime (test/runtimes/*: Node 18, 20, 22, 24 and 26, Deno, Bun, workerd with and without
// nodejs_compat, twice: the build miniflare 4 pins, and as `workerd-today` the one current wrangler
// runs, through miniflare 5), then again against the packed tarball instead of src/, then the
// examples and the browser suite. Prints a summary per runtime and a final `N passed, N failed, N skipped`;
// exits non-zero on any failure. Every runtime but this Node comes from runtimes/, installed on
// first use (scripts/runtimes.mjs); one that cannot be installed or started fails under CI=true
// and is skipped, with the reason, elsewhere.
// How a target's output is counted (and how a target reports a skip): test/counting.mjs.
//
//   node test/run.mjs [target | group ...] [--filter text]
//   groups: source, package, all (default); `node` is this Node on the source suite (quick loop)
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { ensureRuntimes, nodeAt, RUNTIMES, tool } from '../scripts/runtimes.mjs'
import { freePort } from './browser/servers.mjs'
import { countTarget } from './counting.mjs'
import { PACKAGE_DIR, preparePackage } from './package.mjs'
import { unlisted } from './suite-list.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const ci = process.env.CI === 'true'
const args = process.argv.slice(2)
const filterAt = args.indexOf('--filter')
const filter = filterAt === -1 ? undefined : args.splice(filterAt, 2)[1]
const filterArgs = filter ? [filter] : []

const runner = (name) => `${root}test/runtimes/${name}.mjs`
// The Node binaries, Deno, Bun and miniflare live in runtimes/ (scripts/runtimes.mjs), installed
// on first use: `npm install` for the demo does not fetch them.
const NODE_MAJORS = [18, 20, 22, 24, 26]

/** The compiled suite for one build of the library (src/ or the packed tarball). */
const SOURCE = {
  dir: `${root}.test-build`,
  suite: `${root}.test-build/suite.js`,
  noWebcrypto: `${root}.test-build/no-webcrypto.js`,
  worker: `${root}.test-build/suite.js`,
}
const PACKAGE = {
  dir: PACKAGE_DIR,
  suite: `${PACKAGE_DIR}/suite.js`,
  noWebcrypto: `${PACKAGE_DIR}/no-webcrypto.js`,
  worker: `${PACKAGE_DIR}/worker-suite.js`,
}

/** One run of a suite per runtime and configuration; `needs` are files that must exist first. */
function suiteTargets(b, packaged) {
  // Package mode asks the runtime where `sealed-session` resolved; Node 18 needs a flag for that.
  const resolveFlag = packaged ? ['--experimental-import-meta-resolve'] : []
  const targets = {
    // Node 18, three ways: the global-WebCrypto flag, the README's one-line shim, and neither
    // (setup must then fail with ERR_NO_WEBCRYPTO; test/no-webcrypto.ts).
    node18: {
      needs: [nodeAt(18)],
      argv: [nodeAt(18), '--experimental-global-webcrypto', ...resolveFlag, runner('node'), b.suite],
    },
    'node18-shim': { needs: [nodeAt(18)], argv: [nodeAt(18), ...resolveFlag, runner('node-shim'), b.suite] },
    'node18-no-webcrypto': { needs: [nodeAt(18)], argv: [nodeAt(18), runner('node'), b.noWebcrypto] },
  }
  for (const major of NODE_MAJORS.slice(1)) {
    targets[`node${major}`] = {
      needs: [nodeAt(major)],
      argv: [nodeAt(major), runner('node'), b.suite],
      // The full property and fuzz counts (10,000 runs, 100,000 inputs) run once, on the Node CI
      // uses, from source; every other target runs the same properties with fewer cases.
      full: major === 20 && !packaged,
    }
  }
  targets.deno = {
    needs: [tool('deno')],
    argv: [
      tool('deno'),
      'run',
      '--no-prompt',
      '--node-modules-dir=manual',
      `--allow-read=${b.dir}`,
      // CI; NODE_ENV, which the Next.js adapter reads (test/next.test.ts sets it); what the
      // frameworks of test/h3.test.ts and test/elysia.test.ts read when loaded (srvx, under h3,
      // its colours; Elysia, ENV and ELYSIA_AOT; debug, DEBUG). The library itself reads none.
      '--allow-env=CI,NODE_ENV,ENV,ELYSIA_AOT,FORCE_COLOR,NO_COLOR,TERM,DEBUG',
      // Deno KV, in memory, for the revocation store tests (test/revocation-stores.test.ts).
      '--unstable-kv',
      // A full GC for the retained-memory test (test/cache.test.ts); not a permission.
      '--v8-flags=--expose-gc',
      runner('deno'),
      b.suite,
    ],
  }
  targets.bun = { needs: [tool('bun')], argv: [tool('bun'), 'run', runner('bun'), b.suite] }
  // workerd twice: the build miniflare 4 pins, on this Node, and `-today` the one current wrangler
  // runs, through miniflare 5 (which needs Node 22.12+, so on Node 24).
  const miniflare = `${RUNTIMES}node_modules/miniflare/package.json`
  targets.workerd = { needs: [miniflare], argv: [process.execPath, runner('workerd'), b.worker] }
  targets['workerd-nodejs_compat'] = {
    needs: [miniflare],
    argv: [process.execPath, runner('workerd'), b.worker, '--flag', 'nodejs_compat'],
  }
  const today = [`${RUNTIMES}node_modules/miniflare5/package.json`, nodeAt(24)]
  const todayArgv = [nodeAt(24), runner('workerd'), b.worker, '--miniflare', 'miniflare5']
  targets['workerd-today'] = { needs: today, argv: todayArgv }
  targets['workerd-today-nodejs_compat'] = { needs: today, argv: [...todayArgv, '--flag', 'nodejs_compat'] }
  for (const t of Object.values(targets)) t.argv.push(...filterArgs)
  return targets
}

const targets = {
  node: {
    argv: [process.execPath, runner('node'), SOURCE.suite, ...filterArgs],
    build: 'source',
    full: true,
  },
  ...withBuild(suiteTargets(SOURCE, false), 'source', ''),
  // attw, `deno publish --dry-run` and TypeScript 6 and 7 come from runtimes/.
  pack: {
    argv: [process.execPath, 'test/package.mjs', '--prepared', ...flagFilter()],
    build: 'package',
    runtimes: true,
  },
  ...withBuild(suiteTargets(PACKAGE, true), 'package', 'package/'),
  // The demo as each runtime's example serves it, driven over HTTP with a cookie jar.
  examples: {
    argv: [process.execPath, 'test/examples.mjs', ...flagFilter()],
    timeout: 300_000,
    runtimes: true,
  },
  // Each framework's example, built with its own tools and served by its own server (each example
  // is installed from its own lockfile on first use; Elysia's runs on Bun).
  frameworks: {
    argv: [process.execPath, 'test/frameworks.mjs', ...flagFilter()],
    timeout: 1_200_000,
    runtimes: true,
  },
  // Chromium end to end against the demo on each runtime; it ignores the compiled suite. It looks
  // for Chromium first, then installs runtimes/ and the examples it serves when missing.
  browser: { argv: [process.execPath, 'test/browser/run.mjs', ...flagFilter()], timeout: 480_000 },
  // How this script counts each target's output, the browser suite's skip without Chromium, and
  // the harness's test.skip / test.only.
  counting: { argv: [process.execPath, 'test/counting.test.mjs'], timeout: 60_000 },
  // The legacy readers against the real cookie-session, iron-session and react-router (Node only).
  legacy: { argv: [process.execPath, '--import', 'tsx', 'test/legacy-real.mjs'], timeout: 60_000 },
  // The API reference (TypeDoc, warnings as errors) and the published .d.ts (test/docs.mjs).
  docs: { argv: [process.execPath, 'test/docs.mjs'], timeout: 180_000 },
  // Every secret-looking literal in the README, docs and examples is refused as a secret; Node only.
  'docs-secrets': { argv: [process.execPath, '--import', 'tsx', 'test/docs-secrets.mjs'], timeout: 60_000 },
  // Bundle size of the core entry against its ceiling (bench/bundle.ts); Node only.
  size: { argv: [process.execPath, '--import', 'tsx', 'bench/bundle.ts', '--check'], timeout: 60_000 },
  // The Node demo under 15 s of load from a second process on loopback (npm run soak: 120 s).
  soak: { argv: [process.execPath, 'test/soak.mjs', '--seconds', '15'], timeout: 120_000 },
}

function withBuild(group, buildName, prefix) {
  return Object.fromEntries(
    Object.entries(group).map(([k, v]) => [`${prefix}${k}`, { ...v, build: buildName }]),
  )
}
function flagFilter() {
  return filter ? ['--filter', filter] : []
}

const groups = {
  source: Object.keys(suiteTargets(SOURCE, false)),
  package: ['pack', ...Object.keys(suiteTargets(PACKAGE, true)).map((k) => `package/${k}`)],
}
groups.all = [
  'counting',
  ...groups.source,
  ...groups.package,
  'legacy',
  'docs',
  'docs-secrets',
  'size',
  'examples',
  'frameworks',
  'browser',
  'soak',
]
const wanted = (args.length > 0 ? args : ['all']).flatMap((a) => groups[a] ?? [a])
for (const name of wanted) {
  if (!targets[name]) throw new Error(`unknown target ${name}; known: ${Object.keys(targets).join(', ')}`)
}
// Before compiling: a test file that test/all.ts does not import would be in no suite and never run.
if (wanted.some((name) => targets[name].build)) {
  const missing = unlisted(root).map((file) => `test/${file}`)
  if (missing.length > 0) {
    console.error(
      `FAIL test/all.ts does not import ${missing.join(', ')}, so no runtime would run ${missing.length === 1 ? 'it' : 'them'}: add an import line for each`,
    )
    process.exit(1)
  }
}

// --- builds ------------------------------------------------------------------------------------

const BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  logLevel: 'warning',
  // Left for the runtime to refuse: workerd without nodejs_compat fails on any `node:` import,
  // which is the proof that nothing in the library leans on Node.
  external: ['node:*'],
  // package.json says sideEffects: false (true of src/), but test files register tests on import.
  ignoreAnnotations: true,
  // So a failure names the .ts line: test/runtimes/node.mjs turns Node's source maps on, Deno and
  // Bun read inline maps on their own; workerd's stacks stay in suite.js (test/runtimes/workerd.mjs).
  sourcemap: 'inline',
  plugins: [
    {
      // Elysia reaches `debug` (through file-type), whose entry picks its Node or browser half at
      // run time, so both would be bundled, the Node one with bare `tty` and `os` imports. A
      // Worker bundler (wrangler) takes the browser half, from `debug`'s "browser" field.
      name: 'debug-browser',
      setup(b) {
        b.onResolve({ filter: /^debug$/ }, (args) =>
          b.resolve('debug/src/browser.js', { resolveDir: args.resolveDir, kind: args.kind }),
        )
      },
    },
  ],
}

function compile(entry, outfile, options) {
  return build({ ...BUILD_OPTIONS, entryPoints: [`${root}test/${entry}`], outfile, ...options })
}

async function compileSource() {
  mkdirSync(SOURCE.dir, { recursive: true })
  const alias = Object.fromEntries([
    ...SUBPATHS.map((p, i) => [`sealed-session/${p}`, `${root}src/${FILES[i]}.ts`]),
    ['sealed-session', `${root}src/index.ts`],
  ])
  await compile('all.ts', SOURCE.suite, { alias })
  await compile('no-webcrypto.ts', SOURCE.noWebcrypto, { alias })
}

/**
 * The package's subpath exports besides the main entry (`./hono` → `hono`), read from package.json
 * so one list names them: src/<file>.ts from source, dist/<file>.js from the tarball.
 */
const EXPORTS = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).exports
const SUBPATHS = Object.keys(EXPORTS)
  .filter((key) => key !== '.' && key !== './package.json')
  .map((key) => key.slice(2))
/** Where a subpath's code lives, from its `default` file: `./dist/adapters/hono.js` → `adapters/hono`. */
const FILES = SUBPATHS.map((p) => EXPORTS[`./${p}`].default.slice('./dist/'.length, -'.js'.length))

async function compilePackage() {
  preparePackage()
  // Node, Deno and Bun resolve `sealed-session` themselves, from the unpacked tarball.
  const external = [
    ...BUILD_OPTIONS.external,
    'sealed-session',
    ...SUBPATHS.map((p) => `sealed-session/${p}`),
  ]
  const entries = {
    PACKAGE_ENTRIES: JSON.stringify([['index', 'index'], ...SUBPATHS.map((p, i) => [p, FILES[i]])]),
  }
  await compile('package-entry.ts', PACKAGE.suite, { external, define: entries })
  await compile('no-webcrypto.ts', PACKAGE.noWebcrypto, { external })
  // workerd has no node_modules: bundle the package as wrangler would, through its exports map
  // from the consumer's directory, and tell the suite which files that picked.
  const probe = await build({
    ...BUILD_OPTIONS,
    stdin: {
      contents: ['', ...SUBPATHS.map((p) => `/${p}`)].map((p) => `import 'sealed-session${p}'`).join('\n'),
      resolveDir: PACKAGE_DIR,
    },
    write: false,
    metafile: true,
    absWorkingDir: root,
  })
  const resolved = probe.metafile.inputs['<stdin>'].imports.map((i) => `${root}${i.path}`)
  await compile('package-entry.ts', PACKAGE.worker, {
    alias: Object.fromEntries(
      ['', ...SUBPATHS.map((p) => `/${p}`)].map((p, i) => [`sealed-session${p}`, resolved[i]]),
    ),
    define: { ...entries, PACKAGE_BUNDLED_FROM: JSON.stringify(resolved) },
  })
}

// --- running -----------------------------------------------------------------------------------

const RUN_MS = 180_000

/** The running target's process group, ended with us on Ctrl-C (it does not share our group). */
let current
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    try {
      if (current) process.kill(-current, 'SIGTERM')
    } catch {
      // already gone
    }
    process.exit(130)
  })
}

function exec([command, ...argv], timeout = RUN_MS, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...extraEnv },
      detached: true, // its own process group, so a timeout also ends what it started
    })
    current = child.pid
    let out = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }, timeout)
    child.stdout.on('data', (chunk) => {
      out += chunk
      process.stdout.write(chunk)
    })
    child.on('error', (error) => {
      out += `\n${error}`
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (timedOut) console.log(`FAIL timed out after ${timeout / 1000} s`)
      resolve({ code: timedOut ? 1 : code, out })
    })
  })
}

// --- redis-server, for the revocation store tests on Node and Bun ------------------------------

/** Targets whose suite tests the Redis store (node-redis needs Node 20+; Bun has its own client). */
const usesRedis = (name) => /^(package\/)?(node|node2\d|bun)$/.test(name)

/**
 * Starts Debian's redis-server on a free loopback port, persistence off; resolves once it
 * accepts connections. Without redis-server, the suite's Redis tests skip (fail under CI=true).
 */
async function startRedis() {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  if (which.status !== 0) {
    console.log('redis-server not found: the Redis store tests will skip (apt-get install redis-server)')
    return undefined
  }
  const port = await freePort()
  const child = spawn(
    which.stdout.trim(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => socket.end(() => resolve(true)))
      socket.once('error', () => resolve(false))
    })
    // Unreferenced: a live redis-server must not keep this script from exiting once it is done.
    if (up) return { url: `redis://127.0.0.1:${port}`, pid: unref(child).pid }
    await new Promise((r) => setTimeout(r, 50))
  }
  process.kill(child.pid, 'SIGTERM')
  console.log('redis-server did not start: the Redis store tests will skip')
  return undefined
}

function unref(child) {
  child.unref()
  return child
}

const redis = wanted.some(usesRedis) ? await startRedis() : undefined
/** Stops redis-server by its pid (once; also on an early exit such as Ctrl-C). */
function stopRedis() {
  if (!redis?.pid) return
  try {
    process.kill(redis.pid, 'SIGTERM')
  } catch {
    // already gone
  }
  redis.pid = undefined
}
process.on('exit', stopRedis)

const builds = new Set(wanted.map((n) => targets[n].build).filter(Boolean))
if (builds.has('source')) await compileSource()
if (builds.has('package')) await compilePackage()
// runtimes/ is installed once, up front, for the targets that run something from it (the scripts
// among them, test/package.mjs, examples.mjs and frameworks.mjs, also do so when run alone).
const usesRuntimes = (name) =>
  targets[name].runtimes || targets[name].needs?.some((f) => f.startsWith(RUNTIMES))
if (wanted.some(usesRuntimes)) ensureRuntimes()

const totals = { passed: 0, failed: 0, skipped: 0 }
const summary = []
for (const name of wanted) {
  const target = targets[name]
  console.log(`\n=== ${name}`)
  const absent = target.needs?.find((f) => !existsSync(f))
  if (absent) {
    const reason = `${absent} is missing`
    if (ci) {
      console.log(`FAIL ${name}: ${reason} (CI=true makes this a failure)`)
      totals.failed++
      summary.push(`${name.padEnd(30)} 0 passed, 1 failed (${reason})`)
    } else {
      console.log(`skip ${name}: ${reason} (set CI=true to make this a failure)`)
      totals.skipped++
      summary.push(`${name.padEnd(30)} skipped (${reason})`)
    }
    continue
  }
  const { code, out } = await exec(target.argv, target.timeout, {
    ...(target.full ? { SEALED_SESSION_FULL_RUNS: '1' } : {}),
    ...(redis && usesRedis(name) ? { SEALED_SESSION_REDIS_URL: redis.url } : {}),
  })
  const counted = countTarget(code, out, ci, filter !== undefined)
  totals.passed += counted.passed
  totals.failed += counted.failed
  totals.skipped += counted.skipped
  summary.push(`${name.padEnd(30)} ${counted.text}`)
}
stopRedis()
console.log(`\n=== summary\n${summary.join('\n')}`)
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exitCode = totals.failed > 0 ? 1 : 0
