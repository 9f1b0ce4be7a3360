#!/usr/bin/env node
// The built package, as `npm pack` would publish it: built, packed, unpacked into
// .test-build/package/node_modules/sealed-session (where test/run.mjs runs the whole suite
// against it on every runtime), and checked here: the files it holds, ESM with explicit `.js`
// imports and nothing outside itself, publint, arethetypeswrong (ESM-only profile: there is no
// CommonJS build, by choice), a TypeScript consumer under TypeScript 5.9, 6 and 7, jsr.json
// through `deno publish --dry-run`, and the README's links as the npm and JSR pages show them
// (scripts/check-readme.mjs). attw, Deno and TypeScript 6 and 7 come from runtimes/, installed
// first if missing (scripts/runtimes.mjs); without them those checks are skipped, or fail under
// CI=true.
//
//   node test/package.mjs [--prepared] [--filter text]    --prepared: check the last unpacked build
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { fileURLToPath } from 'node:url'
import { checkReadme } from '../scripts/check-readme.mjs'
import { ensureRuntimes, tool, tscAt } from '../scripts/runtimes.mjs'

export const root = fileURLToPath(new URL('..', import.meta.url))
/** Holds node_modules/sealed-session (the unpacked tarball) and a consumer project around it. */
export const PACKAGE_DIR = `${root}.test-build/package`
const INSTALLED = `${PACKAGE_DIR}/node_modules/sealed-session`
const bin = (name) => `${root}node_modules/.bin/${name}`

/** Thrown by a check whose tool is missing: a skip, or a failure under CI=true. */
class Unavailable extends Error {}

/** A tool from runtimes/, or Unavailable. */
function needTool(name) {
  if (!existsSync(tool(name))) throw new Unavailable(`${tool(name)} is missing`)
  return tool(name)
}

/** The `tsc` script of one TypeScript major from runtimes/, run with this Node, or Unavailable. */
function needTypeScript(major) {
  if (!existsSync(tscAt(major))) throw new Unavailable(`${tscAt(major)} is missing`)
  return tscAt(major)
}

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options })
  if (result.error) throw result.error
  return result
}

function must(command, args, options) {
  const result = sh(command, args, options)
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}${result.stderr}`)
  }
  return result
}

/**
 * `npm run build`, `npm pack`, and the tarball unpacked as an installed dependency of a small
 * consumer project, which has its own package.json (so Node does not resolve `sealed-session` to
 * this repository by its own name) and its own tsconfig.json (so Bun does not apply the root
 * tsconfig's `paths`, which point at src/).
 */
export function preparePackage() {
  must('npm', ['run', '--silent', 'build'])
  rmSync(PACKAGE_DIR, { recursive: true, force: true })
  mkdirSync(INSTALLED, { recursive: true })
  const [packed] = JSON.parse(
    must('npm', ['pack', '--json', '--pack-destination', PACKAGE_DIR], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).stdout,
  )
  const tarball = `${PACKAGE_DIR}/${packed.filename}`
  must('tar', ['-xzf', tarball, '-C', INSTALLED, '--strip-components=1'])
  symlinkSync(realpathSync(`${root}node_modules/hono`), `${PACKAGE_DIR}/node_modules/hono`)
  writeFileSync(
    `${PACKAGE_DIR}/package.json`,
    `${JSON.stringify({ name: 'sealed-session-consumer', private: true, type: 'module', dependencies: { 'sealed-session': '*', hono: '*' } }, null, 2)}\n`,
  )
  writeFileSync(
    `${PACKAGE_DIR}/tsconfig.json`,
    `${JSON.stringify(CONSUMER_CONFIGS['tsconfig.json'], null, 2)}\n`,
  )
  return { dir: PACKAGE_DIR, installed: INSTALLED, tarball, files: packed.files.map((f) => f.path) }
}

/**
 * The consumer's tsconfig: NodeNext or Bundler resolution with the options `tsc --init` writes
 * today (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax...),
 * or `defaults`: nothing but the module, so the compiler's own defaults apply (TypeScript 6 made
 * `strict` the default, `types` an empty list and `target` the newest ES). skipLibCheck is off, so
 * the published .d.ts are checked themselves, except for frameworks.ts: h3's and Elysia's own
 * types do not check cleanly under these options (theirs to fix, not ours), and checking them
 * anyway takes 20 s (test/docs.mjs checks our adapters' declarations with skipLibCheck off).
 */
function consumerTsconfig(resolution, file = 'consumer.ts') {
  const compilerOptions =
    resolution === 'defaults'
      ? { module: 'NodeNext' }
      : {
          target: 'ES2022',
          module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
          moduleResolution: resolution,
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          noUncheckedSideEffectImports: true,
          moduleDetection: 'force',
        }
  return {
    compilerOptions: { ...compilerOptions, skipLibCheck: file === FRAMEWORKS_FILE, noEmit: true },
    files: [file],
  }
}
const FRAMEWORKS_FILE = 'frameworks.ts'
/** The consumer's projects, one tsconfig each, written next to consumer.ts, and what each is. */
const CONSUMER_CONFIGS = {
  'tsconfig.json': consumerTsconfig('NodeNext'),
  'tsconfig.bundler.json': consumerTsconfig('Bundler'),
  'tsconfig.defaults.json': consumerTsconfig('defaults'),
  'tsconfig.frameworks.json': consumerTsconfig('NodeNext', FRAMEWORKS_FILE),
  'tsconfig.frameworks-bundler.json': consumerTsconfig('Bundler', FRAMEWORKS_FILE),
}
const CONFIG_LABELS = {
  'tsconfig.json': 'NodeNext',
  'tsconfig.bundler.json': 'Bundler',
  'tsconfig.defaults.json': "the compiler's defaults",
}

/**
 * The TypeScript compilers a consumer may type-check with: the repository's own (5.9), and the
 * newer majors from runtimes/ (6, the last written in TypeScript; 7, the native port), by path.
 * 5.9 skips tsconfig.defaults.json: its defaults are not strict, and a non-strict consumer is
 * another matter (it cannot narrow a union such as `Unsealed` by `!result.ok`).
 */
const COMPILERS = [
  {
    major: 5,
    argv: () => [bin('tsc')],
    configs: Object.keys(CONSUMER_CONFIGS).filter((c) => c !== 'tsconfig.defaults.json'),
  },
  { major: 6, argv: () => [process.execPath, needTypeScript(6)], configs: Object.keys(CONSUMER_CONFIGS) },
  { major: 7, argv: () => [process.execPath, needTypeScript(7)], configs: Object.keys(CONSUMER_CONFIGS) },
]

// A consumer written against the published types only; `@ts-expect-error` lines prove the
// generics do constrain, so a types file that silently became `any` fails.
const CONSUMER = `import { Hono } from 'hono'
import {
  ConfigurationError,
  type ConfigurationErrorCode,
  CookieTooLargeError,
  type InvalidReason,
  type Session,
  type SessionOptions,
  withSession,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { sealedSession } from 'sealed-session/astro'
import { type DeviceBinding, deviceBound } from 'sealed-session/device-bound'
import { type SessionEnv, session } from 'sealed-session/hono'
import { CookiesReadOnlyError, getSession, type NextCookies, proxyCookies } from 'sealed-session/next'
import { createCookieSessionStorage } from 'sealed-session/react-router'
import { memoryStore, type RevocationStore, revocation, type Verification } from 'sealed-session/revocation'
import { createSealer, type Unsealed, unseal } from 'sealed-session/seal'
import { session as svelteSession } from 'sealed-session/sveltekit'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { iron } from 'sealed-session/legacy/iron'
import { reactRouter } from 'sealed-session/legacy/react-router'

const options: SessionOptions = {
  secret: crypto.getRandomValues(new Uint8Array(32)),
  onInvalid: (reason: InvalidReason) => void reason,
}

export const counter = withSession<{ count: number }>((_request, s: Session<{ count: number }>) => {
  const count: number = (s.get('count') ?? 0) + 1
  s.set('count', count)
  return new Response(String(count))
}, options)

withSession<{ count: number }>((_request, s) => {
  // @ts-expect-error count is a number
  s.set('count', 'one')
  return new Response()
}, options)

export const big = withSession(() => new Response(), { ...options, chunks: chunking(4), compress: compression() })

export const migrated = withSession(() => new Response(), {
  ...options,
  legacy: [
    cookieSession({ keys: ['old key'] }),
    iron({ cookieName: 'app', password: { 1: 'an-old-iron-password-0123456789-abcdef' } }),
    reactRouter({ secrets: ['old secret'] }),
  ],
})
// @ts-expect-error iron-session's cookie name is required
iron({ password: 'an-old-iron-password-0123456789-abcdef' })

// @ts-expect-error the features are opt-in imports, no longer booleans (0.1 had chunks: true)
withSession(() => new Response(), { ...options, chunks: true, compress: true })

export const worker = withSession<{ user: string }, [{ SECRET: string }, unknown]>(
  (_request, s, env) => new Response(s.get('user') ?? env.SECRET.slice(0, 0)),
  (_request, env) => ({ secret: env.SECRET }),
)

const app = new Hono<SessionEnv<{ user: string }>>()
app.use(session({ secret: 'consumer-secret-0123456789-abcdefghijklmnop' }))
app.get('/', (c) => {
  // @ts-expect-error user is a string
  c.var.session.set('user', 1)
  return c.text(c.var.session.get('user') ?? 'nobody')
})
export { app }

const links = createSealer<{ email: string }>({ secret: 'consumer-secret-0123456789-abcdefghijklmnop', purpose: 'magic-link' })
export async function follow(token: string | null): Promise<string> {
  // @ts-expect-error email is a string
  await links.seal({ email: 1 })
  const result: Unsealed<{ email: string }> = await links.unseal(token)
  const other = await unseal<number>(token, { secret: 'consumer-secret-0123456789-abcdefghijklmnop', purpose: 'x' })
  return result.ok ? result.data.email : other.ok ? String(other.data) : other.reason
}

// Astro's APIContext, as far as the middleware reads it: the package carries no Astro types.
type AstroContext = { request: Request; locals: { sealedSession?: Session<{ user: string }> }; isPrerendered: boolean }
export const onRequest = sealedSession<AstroContext>({ secret: 'consumer-secret-0123456789-abcdefghijklmnop' })
// @ts-expect-error the locals key is a string
sealedSession(options, { key: 1 })
const rr = createCookieSessionStorage<{ user: string }, { notice: string }>(options)
export async function login(cookie: string | null): Promise<string> {
  const s = await rr.getSession(cookie)
  s.sealed.regenerate()
  // @ts-expect-error user is a string
  s.set('user', 1)
  const notice: string | undefined = s.get('notice')
  return notice ?? (await rr.commitSession(s))
}

// Next's cookies(), as far as getSession reads it: the package carries no Next types.
export async function nextPage(jar: NextCookies): Promise<string> {
  const s = await getSession<{ user: string }, { notice: string }>(jar, options)
  // @ts-expect-error user is a string
  s.set('user', 1)
  return s.get('user') ?? s.flash('notice') ?? 'nobody'
}
export const proxied: NextCookies = proxyCookies(
  { cookies: { getAll: () => [{ name: 'session', value: '' }] } },
  { cookies: { set: () => undefined }, headers: new Headers() },
)
export const readOnly: 'ERR_COOKIES_READ_ONLY' = new CookiesReadOnlyError(new Error('render')).code

// SvelteKit's RequestEvent, as far as the handle reads it, with the app's App.Locals.
type SvelteEvent = { request: Request; locals: { session: Session<{ user: string }> } }
export const handle = svelteSession<SvelteEvent>(options)
export const handled: Promise<Response> = handle({
  event: { request: new Request('https://app.test/'), locals: {} as SvelteEvent['locals'] },
  resolve: (event) => new Response(event.locals.session.get('user') ?? 'nobody'),
})
// @ts-expect-error the locals key is a string
svelteSession(options, { key: 1 })

// The gates: revocation (with a store) and device binding, each an option of its own.
const store: RevocationStore = memoryStore()
const revoker = revocation<{ user: string }>({ store, subject: (s) => s.get('user') })
const binding: DeviceBinding = deviceBound({ mode: 'strict', lifetime: 600 })
export const gated = withSession<{ user: string }>(
  async (_request, s) => {
    const verdict: Verification = await revoker.verify(s)
    binding.bind(s)
    return new Response(verdict)
  },
  { ...options, revocation: revoker, deviceBinding: binding },
)
// @ts-expect-error a compression is no gate
withSession(() => new Response(), { ...options, revocation: compression() })
// @ts-expect-error the mode is 'strict' or 'lenient'
deviceBound({ mode: 'loose' })
export const revoked: Promise<number> = revoker.revokeSubject('ada', { before: 0 })

export function describe(error: unknown): string {
  if (error instanceof CookieTooLargeError) return \`\${error.code} \${error.size}/\${error.limit}\`
  if (error instanceof ConfigurationError) {
    const code: ConfigurationErrorCode = error.code
    return code
  }
  return 'other'
}
`

// The adapters whose types import a framework's own (h3, Elysia), checked with skipLibCheck on.
const FRAMEWORKS = `import { Elysia } from 'elysia'
import { H3 } from 'h3'
import type { SessionOptions } from 'sealed-session'
import { session as elysiaSession } from 'sealed-session/elysia'
import { type Session as H3Session, session as h3Session } from 'sealed-session/h3'

const options: SessionOptions = { secret: 'consumer-secret-0123456789-abcdefghijklmnop' }

// h3 types event.context through its own interface, which an app augments.
declare module 'h3' {
  interface H3EventContext {
    session: H3Session<{ user: string }>
  }
}
export const h3app = new H3().use(h3Session(options))
h3app.get('/', ({ context }) => {
  // @ts-expect-error user is a string
  context.session.set('user', 1)
  return context.session.get('user') ?? 'nobody'
})

// Elysia infers the plugin's context: \`session\` in every later handler, typed.
export const elysia = new Elysia()
  .use(elysiaSession<{ count: number }, { notice: string }>(options))
  .get('/', ({ session }) => {
    // @ts-expect-error count is a number
    session.set('count', 'one')
    const notice: string | undefined = session.flash('notice')
    return notice ?? String(session.get('count') ?? 0)
  })
// @ts-expect-error the context key is a string
elysiaSession(options, { key: 1 })
`

/** Each check throws to fail; its name is what passed. */
function checks(pkg) {
  const manifest = JSON.parse(readFileSync(`${pkg.installed}/package.json`, 'utf8'))
  const targets = Object.values(manifest.exports).flatMap((t) =>
    typeof t === 'string' ? [t] : Object.values(t),
  )
  return {
    'the tarball holds only package.json, docs and dist/**/*.js + *.d.ts': () => {
      // dist/ mirrors src/: index, core/, adapters/, features/ (two folders deep: revocation/stores/).
      const allowed =
        /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(?:(?:core|adapters|features)\/(?:[\w-]+\/){0,2})?[\w-]+\.(js|d\.ts))$/
      const stray = pkg.files.filter((f) => !allowed.test(f))
      if (stray.length > 0) throw new Error(`not allow-listed: ${stray.join(', ')}`)
      for (const need of ['package.json', 'README.md', 'LICENSE']) {
        if (!pkg.files.includes(need)) throw new Error(`missing ${need}`)
      }
    },
    "the README's links resolve: repository links to files here, relative ones inside the package": () => {
      const { problems } = checkReadme(pkg.installed, pkg.files)
      if (problems.length > 0) throw new Error(problems.join('\n'))
      for (const field of ['repository', 'homepage', 'bugs']) {
        if (!manifest[field]) throw new Error(`package.json has no ${field}: the npm page links nowhere`)
      }
    },
    'every exports target (types and code) is in the tarball': () => {
      const missing = targets.filter((t) => !pkg.files.includes(t.replace(/^\.\//, '')))
      if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`)
      if (manifest.type !== 'module') throw new Error('package.json type is not "module"')
    },
    'dist is self-contained ESM: relative `.js` imports only, no dependency, no node: module': async () => {
      const { build } = await import('esbuild')
      const entries = targets.filter((t) => t.endsWith('.js')).map((t) => `${pkg.installed}/${t}`)
      const { metafile } = await build({
        entryPoints: entries,
        bundle: true,
        write: false,
        outdir: '/nowhere',
        format: 'esm',
        platform: 'neutral',
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: pkg.installed,
      })
      const bad = []
      for (const [file, input] of Object.entries(metafile.inputs)) {
        if (!file.startsWith('dist/')) bad.push(`${file} is outside dist/`)
        for (const i of input.imports) {
          if (!/^\.\.?\/[\w./-]+\.js$/.test(i.original ?? '')) bad.push(`${file} imports ${i.original}`)
        }
      }
      if (bad.length > 0) throw new Error(bad.join('\n'))
    },
    'publint finds nothing (not even a suggestion)': async () => {
      const { publint } = await import('publint')
      const { formatMessage } = await import('publint/utils')
      const { messages } = await publint({ pkgDir: pkg.installed, level: 'suggestion', pack: false })
      if (messages.length > 0) {
        throw new Error(
          messages.map((m) => `${m.type}: ${formatMessage(m, manifest, { color: false })}`).join('\n'),
        )
      }
    },
    'arethetypeswrong: clean under the ESM-only profile (no CommonJS build, by choice)': () => {
      const attw = sh(needTool('attw'), [
        pkg.tarball,
        '--profile',
        'esm-only',
        '--no-definitely-typed',
        '--no-color',
      ])
      if (attw.status !== 0) throw new Error(attw.stdout + attw.stderr)
    },
    ...Object.fromEntries(
      COMPILERS.map(({ major, argv, configs }) => [
        `TypeScript ${major}: a consumer of every entry type-checks against the published .d.ts (${configs
          .flatMap((c) => CONFIG_LABELS[c] ?? [])
          .join(', ')}; skipLibCheck off but for h3 and Elysia)`,
        () => {
          const sources = CONSUMER + FRAMEWORKS
          const unchecked = Object.keys(manifest.exports)
            .filter((entry) => entry !== './package.json')
            .map((entry) => `sealed-session${entry.slice(1)}`)
            .filter((specifier) => !sources.includes(`from '${specifier}'`))
          if (unchecked.length > 0)
            throw new Error(`the consumer imports nothing from ${unchecked.join(', ')}`)
          const [command, ...prefix] = argv()
          const started = sh(command, [...prefix, '--version'])
          // TypeScript 7's script finds its native compiler in a platform package, which npm may
          // have left out (an optional dependency): a compiler that cannot start is unavailable.
          if (started.status !== 0)
            throw new Unavailable(
              `${prefix.at(-1) ?? command} does not start: ${started.stderr.match(/^\w*Error: .*$/m)?.[0] ?? started.stderr.trim()}`,
            )
          const version = started.stdout.trim()
          if (!version.startsWith(`Version ${major}.`))
            throw new Error(`expected TypeScript ${major}, got ${version}`)
          writeFileSync(`${pkg.dir}/consumer.ts`, CONSUMER)
          writeFileSync(`${pkg.dir}/${FRAMEWORKS_FILE}`, FRAMEWORKS)
          const failures = []
          for (const config of configs) {
            writeFileSync(`${pkg.dir}/${config}`, `${JSON.stringify(CONSUMER_CONFIGS[config], null, 2)}\n`)
            const tsc = sh(command, [...prefix, '-p', `${pkg.dir}/${config}`])
            if (tsc.status !== 0) failures.push(`${version}, ${config}:\n${tsc.stdout}${tsc.stderr}`)
          }
          if (failures.length > 0) throw new Error(failures.join('\n'))
        },
      ]),
    ),
    'two installs side by side: gates and readers of one serve the other; another version is refused':
      async () => {
        // Two copies of the package are two sets of modules (a dependency pinning another
        // release does this). The gates and legacy readers carry their pipeline step; it must run
        // on the store's sessions through the store's own core, not its copy's.
        const second = `${pkg.dir}/second-install`
        const third = `${pkg.dir}/other-version`
        for (const dir of [second, third]) {
          rmSync(dir, { recursive: true, force: true })
          cpSync(pkg.installed, dir, { recursive: true })
        }
        const a = await import(`${pkg.installed}/dist/index.js`)
        const b = await import(`${second}/dist/features/revocation/index.js`)
        const bLegacy = await import(`${second}/dist/features/legacy/cookie-session.js`)
        const bDevice = await import(`${second}/dist/features/device-bound/index.js`)
        const t = { now: 1_700_000_000_000 }
        const now = () => t.now
        const revoker = b.revocation({
          store: b.memoryStore(),
          subject: (s) => s.get('user'),
          now,
          checkInterval: 0,
        })
        const options = {
          secret: 'k3J9vQ2mZx7LpR4tW8yB1nC6dF0gH5jS',
          now,
          revocation: revoker,
          deviceBinding: bDevice.deviceBound(),
          legacy: [bLegacy.cookieSession({ keys: ['an old cookie-session key'] })],
        }
        const handler = a.withSession(async (_request, session) => {
          if (!session.get('user')) session.set('user', 'ada')
          return new Response(String(session.get('user')))
        }, options)
        const first = await handler(new Request('https://app.test/'))
        const cookie = first.headers.getSetCookie()[0]?.split(';')[0]
        if (!cookie) throw new Error('no session cookie was written')
        // Past the default clockSkew (60 s), which a revocation gives sessions issued just before it.
        t.now += 600_000
        const again = await handler(new Request('https://app.test/', { headers: { cookie } }))
        if (again.status !== 200 || (await again.text()) !== 'ada')
          throw new Error('the session did not reopen')
        await revoker.revokeSubject('ada')
        t.now += 1_000
        const store = a.createSessionStore(options)
        const revoked = await store.load(new Request('https://app.test/', { headers: { cookie } }))
        if (!revoked.isNew) throw new Error('a revocation made through the second install did not hold')
        // A third copy that says it speaks another version of the contract with the core.
        const extensions = `${third}/dist/core/extensions.js`
        const source = readFileSync(extensions, 'utf8')
        if (!/STEP_VERSION = 1\b/.test(source))
          throw new Error('STEP_VERSION not found in dist/core/extensions.js')
        writeFileSync(extensions, source.replace(/STEP_VERSION = 1\b/, 'STEP_VERSION = 2'))
        const c = await import(`${third}/dist/features/revocation/index.js`)
        try {
          a.createSessionStore({ ...options, revocation: c.revocation({ store: c.memoryStore() }) })
        } catch (error) {
          if (
            error.code === 'ERR_OPTION_INVALID' &&
            /revocation comes from another version/.test(error.message)
          )
            return
          throw error
        }
        throw new Error('a gate of another version was accepted at setup')
      },
    'jsr.json: deno publish --dry-run accepts it; same version and entry points as package.json': () => {
      const jsr = JSON.parse(readFileSync(`${root}jsr.json`, 'utf8'))
      if (jsr.version !== manifest.version) throw new Error(`jsr ${jsr.version} != npm ${manifest.version}`)
      const npmEntries = Object.keys(manifest.exports).filter((k) => k !== './package.json')
      if (JSON.stringify(Object.keys(jsr.exports)) !== JSON.stringify(npmEntries)) {
        throw new Error(`jsr exports ${Object.keys(jsr.exports)} != npm exports ${npmEntries}`)
      }
      const deno = sh(needTool('deno'), ['publish', '--dry-run', '--allow-dirty'], {
        env: { ...process.env, NO_COLOR: '1' },
      })
      const out = deno.stdout + deno.stderr
      if (deno.status !== 0) throw new Error(out)
      const published = [...out.matchAll(/file:\/\/(\S+) \(/g)].map((m) => m[1].replace(root, ''))
      const stray = published.filter(
        (f) =>
          !/^(src\/(?:(?:core|adapters|features)\/(?:[\w-]+\/){0,2})?[\w-]+\.ts|README\.md|LICENSE|CHANGELOG\.md|jsr\.json)$/.test(
            f,
          ),
      )
      if (published.length === 0 || stray.length > 0) throw new Error(`unexpected files: ${stray}\n${out}`)
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const filterAt = args.indexOf('--filter')
  const filter = filterAt === -1 ? undefined : args[filterAt + 1]
  let pkg
  if (args.includes('--prepared')) {
    const files = []
    const walk = (dir, prefix) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(`${dir}/${e.name}`, `${prefix}${e.name}/`)
        else files.push(`${prefix}${e.name}`)
      }
    }
    walk(INSTALLED, '')
    const tarball = readdirSync(PACKAGE_DIR).find((f) => f.endsWith('.tgz'))
    pkg = { dir: PACKAGE_DIR, installed: INSTALLED, tarball: `${PACKAGE_DIR}/${tarball}`, files }
  } else {
    pkg = preparePackage()
  }
  ensureRuntimes()
  const ci = process.env.CI === 'true'
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const [name, check] of Object.entries(checks(pkg))) {
    if (filter && !name.includes(filter)) continue
    try {
      await check()
      passed++
      console.log(`ok   package › ${name}`)
    } catch (error) {
      if (error instanceof Unavailable && !ci) {
        skipped++
        console.log(`skip package › ${name}: ${error.message} (set CI=true to make this a failure)`)
        continue
      }
      failed++
      const note = error instanceof Unavailable ? ' (CI=true makes this a failure)' : ''
      console.log(
        `FAIL package › ${name}${note}\n  ${String(error?.message ?? error).replaceAll('\n', '\n  ')}`,
      )
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  process.exitCode = failed > 0 ? 1 : 0
}
