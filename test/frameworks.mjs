#!/usr/bin/env node
// Each framework's example (examples/<framework>/, with its own package.json and lockfile, installed
// with `npm ci --prefix examples/<framework>` when missing, as `.ci/run` does up front), built with
// the framework's own tools, served by its own server on a free loopback port, and driven over HTTP
// with a cookie jar by the demo's checks (test/demo-checks.mjs), plus any checks of its own. The
// examples depend on this package as `file:../..`, so the library is built (dist/) first. Prints one
// line per check and a final `N passed, N failed, N skipped`; a framework whose install is missing
// (it failed) is skipped, or fails with CI=true. Elysia's example runs on Bun, from runtimes/
// (scripts/runtimes.mjs).
//
//   node test/frameworks.mjs [framework ...] [--filter text]
import { spawnSync } from 'node:child_process'
import { ensureInstalled, ensureRuntimes, RUNTIMES, tool } from '../scripts/runtimes.mjs'
import { missing, root, startServer } from './browser/servers.mjs'
import { Client, checks, expect } from './demo-checks.mjs'
import { serverRunner } from './server-runner.mjs'

// No framework reports usage home from a test run (Next.js would, from its build and server).
process.env.NEXT_TELEMETRY_DISABLED = '1'
const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600' }
const BUILD_MS = 5 * 60_000
const DEADLINE_MS = 20 * 60_000

/**
 * name → { dir, build: argv run in dir, command(settings): argv run in dir, needs, checks? }.
 * `checks` are extra [title, async (client) => {}] pairs run after the demo's, on the same server.
 */
export const frameworks = {
  'react-router': {
    dir: 'examples/react-router',
    // typegen and tsc first: the build fails unless the storage is React Router's SessionStorage type.
    build: ['npm', 'run', 'build'],
    command: () => [
      `${root}examples/react-router/node_modules/.bin/react-router-serve`,
      'build/server/index.js',
    ],
    needs: ['examples/react-router/node_modules/.bin/react-router-serve'],
    checks: [
      [
        'an unchanged session is not re-sealed: commitSession gives "" (an empty line clients ignore)',
        async (c) => {
          const set = await c.request('/grow?bytes=0')
          expect(set.response.status === 200 && set.setCookies.length === 1, `first ${set.setCookies}`)
          const same = await c.request('/grow?bytes=0')
          expect(
            same.setCookies.every((v) => v === ''),
            `second: ${same.setCookies}`,
          )
          c.jar.delete('') // what the empty line made of this naive jar
          const p = await c.page()
          expect(p.count === 3, `count ${p.count}, want 3`)
        },
      ],
      [
        "<Form>'s client-side login (POST /login.data) sets the cookie; GET /_.data shows the flash once",
        async (c) => {
          const form = new URLSearchParams({ user: 'eve' })
          const login = await c.request('/login.data', { method: 'POST', body: form })
          expect(
            login.response.status === 202 && login.setCookies.length === 1,
            `login ${login.response.status}`,
          )
          expect(login.body.includes('"redirect","/"'), `not a redirect: ${login.body}`)
          const data = await c.request('/_.data')
          expect(data.setCookies.length === 1 && data.body.includes('"Welcome, eve!"'), data.body)
          const again = await c.request('/_.data')
          expect(!again.body.includes('Welcome') && again.body.includes('"eve"'), again.body)
        },
      ],
    ],
  },
  sveltekit: {
    dir: 'examples/sveltekit',
    // svelte-check first: it type-checks the hook against SvelteKit's own Handle and App.Locals.
    build: ['sh', '-c', 'npm run check && npm run build'],
    // adapter-node's server reads HOST and PORT; ORIGIN is the site's origin, as in production.
    command: ({ HOST, PORT }) => ['env', `ORIGIN=http://${HOST}:${PORT}`, process.execPath, 'build'],
    needs: ['examples/sveltekit/node_modules/@sveltejs/kit/package.json'],
    checks: sveltekitChecks(),
  },
  next: {
    dir: 'examples/next',
    build: ['node_modules/.bin/next', 'build'],
    command: ({ HOST, PORT }) => ['node_modules/.bin/next', 'start', '-H', HOST, '-p', PORT],
    needs: ['examples/next/node_modules/next/package.json'],
    checks: [
      [
        'a Server Action form, posted as a browser without JavaScript posts it, logs in (303, one cookie)',
        async (c) => {
          const before = await c.page()
          // The form carries its action's id as a hidden field; the action answers the post itself.
          const action = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(before.body)?.[1]
          expect(action, 'no Server Action form on the page')
          const form = new FormData()
          form.set(action, '')
          form.set('user', 'grace')
          const origin = c.origin
          const post = await c.request('/', { method: 'POST', body: form, headers: { origin } })
          expect(post.response.status === 303, `status ${post.response.status}`)
          expect(
            post.response.headers.get('location') === '/',
            `location ${post.response.headers.get('location')}`,
          )
          expect(
            post.setCookies.length === 1 && post.setCookies[0].startsWith('demo_sid='),
            `${post.setCookies}`,
          )
          const p = await c.page()
          expect(p.user === 'grace' && p.flash === 'Welcome, grace!', `after login: ${p.user} / ${p.flash}`)
          expect(p.sid !== before.sid && p.count === before.count + 1, `${p.sid} ${p.count}`)
          expect((await c.page()).flash === undefined, 'the flash showed twice')
        },
      ],
      [
        'a write while a Server Component renders fails with ERR_COOKIES_READ_ONLY, naming where to write',
        async (c) => {
          const r = await c.request('/render-write')
          const [, code, message] = /id="error" data-code="([^"]*)">([^<]*)</.exec(r.body) ?? []
          expect(code === 'ERR_COOKIES_READ_ONLY', `code ${code}: ${r.body.slice(0, 300)}`)
          expect(/Server Action/.test(message) && /Route Handler/.test(message), message)
          expect(r.setCookies.length === 0, `Set-Cookie: ${r.setCookies}`)
        },
      ],
    ],
  },
  astro: {
    dir: 'examples/astro',
    build: ['env', 'ASTRO_TELEMETRY_DISABLED=1', 'node_modules/.bin/astro', 'build'],
    command: () => [process.execPath, './dist/server/entry.mjs'], // HOST and PORT from the env
    needs: [
      'examples/astro/node_modules/.bin/astro',
      'examples/astro/node_modules/@astrojs/node/package.json',
    ],
    checks: [
      [
        'a page that changes the session in its frontmatter sends its Set-Cookie',
        async (c) => {
          const fresh = new Client(c.origin)
          const p = await fresh.request('/streaming')
          expect(p.response.status === 200 && /id="page"[^>]*>frontmatter</.test(p.body), p.body)
          expect(p.setCookies.length === 1 && p.setCookies[0].startsWith('demo_sid='), `${p.setCookies}`)
          const { body } = await fresh.request('/session')
          expect(JSON.parse(body).data.page === 'frontmatter', body)
        },
      ],
      [
        'a component that changes the session once the body streams gets ERR_SESSION_COMMITTED',
        async (c) => {
          const fresh = new Client(c.origin)
          const p = await fresh.request('/streaming')
          expect(/id="late"[^>]*>ERR_SESSION_COMMITTED</.test(p.body), p.body)
          const { body } = await fresh.request('/session')
          expect(JSON.parse(body).data.late === undefined, `the late write was stored: ${body}`)
        },
      ],
      [
        "the example type-checks against Astro's types (sequence, App.Locals) after its build",
        async () =>
          run([`${root}node_modules/.bin/tsc`, '--noEmit', '-p', '.'], `${root}examples/astro`, 'tsc'),
      ],
      [
        'a form post with a foreign Origin is refused (403) and sets no cookie',
        async (c) => {
          const fresh = new Client(c.origin)
          const r = await fresh.request('/login', {
            method: 'POST',
            headers: { origin: 'https://attacker.example' },
            body: new URLSearchParams({ user: 'mallory' }),
          })
          expect(r.response.status === 403 && r.setCookies.length === 0, `status ${r.response.status}`)
        },
      ],
    ],
  },
  // h3 and Elysia come from the root's devDependencies (Bun from runtimes/): their examples are
  // plain folders, and each reaches the built package by its own name (Node and Bun resolve a
  // package's name from inside it through its `exports`); their tsconfig.json has no `paths`, so
  // neither tsx nor Bun maps it to src/.
  h3: {
    dir: 'examples/h3',
    build: ['node', '-e', ''], // nothing to build: tsx runs server.ts; the runner builds dist/
    command: () => [`${root}node_modules/.bin/tsx`, 'server.ts'],
    needs: ['node_modules/h3/package.json', 'node_modules/.bin/tsx'],
    checks: [
      builtPackage('h3'),
      typeChecks('h3'),
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
      [
        'h3: a route answering with a Response gets the cookie on it; two middlewares on one key are refused',
        async () => {
          const { H3 } = await import('h3')
          const { session } = await import('sealed-session/h3')
          const secret = 'frameworks-check-secret-0123456789abcdef'
          const app = new H3().use(session({ secret }))
          app.get('/', (event) => {
            event.context.session.set('n', 1)
            return new Response('ok', { status: 201 })
          })
          const res = await app.fetch(new Request('http://localhost/'))
          expect(
            res.status === 201 && res.headers.getSetCookie().length === 1,
            `${res.status} ${[...res.headers]}`,
          )
          let refused
          const twice = new H3({ onError: (error) => void (refused = error.cause ?? error) })
          twice
            .use(session({ secret, cookie: { name: 'a' } }))
            .use(session({ secret, cookie: { name: 'b' } }))
          twice.get('/', () => 'unreachable')
          await twice.fetch(new Request('http://localhost/'))
          expect(refused?.code === 'ERR_OPTION_INVALID', `two middlewares on one key: ${refused}`)
        },
      ],
    ],
  },
  elysia: {
    dir: 'examples/elysia',
    build: ['node', '-e', ''], // nothing to build: Bun runs server.ts; the runner builds dist/
    command: () => [tool('bun'), 'server.ts'],
    needs: ['node_modules/elysia/package.json', tool('bun')],
    checks: [
      builtPackage('elysia'),
      typeChecks('elysia'),
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
    ],
  },
}

/** The example printed where its adapter came from: the built package, as users install it. */
function builtPackage(name) {
  return [
    `${name}: the example loads sealed-session/${name} from the built package (dist/), not src/`,
    async (_client, server) => {
      const from = new RegExp(`sealed-session/${name} from file://${root}dist/${name}\\.js`)
      expect(from.test(server.output()), `not loaded from dist/:\n${server.output()}`)
    },
  ]
}

/** tsc on the example against the built .d.ts: the session is typed in the handler's context. */
function typeChecks(name) {
  return [
    `${name}: the example type-checks against the built .d.ts (a typed session in the context)`,
    () => run([`${root}node_modules/.bin/tsc`, '-p', `examples/${name}`], root, `tsc -p examples/${name}`),
  ]
}

function plainValueCarriesCookie() {
  return [
    'a route answering with a plain object (/grow) still gets the cookie, and Cache-Control: private',
    async (c) => {
      const r = await c.request('/grow?bytes=10')
      expect(r.response.status === 200 && JSON.parse(r.body).stored === 10, `${r.response.status} ${r.body}`)
      expect(
        r.setCookies.length === 1 && r.setCookies[0].startsWith('demo_sid='),
        `Set-Cookie: ${r.setCookies}`,
      )
      expect(r.response.headers.get('cache-control') === 'private', 'cache-control is not private')
    },
  ]
}

function throwingRouteWritesNothing() {
  return [
    'a route that throws after changing the session answers 500 and writes nothing',
    async (c) => {
      const before = (await c.page()).count
      const r = await c.request('/fail')
      expect(r.response.status === 500 && r.setCookies.length === 0, `${r.response.status} ${r.setCookies}`)
      const after = (await c.page()).count
      expect(after === before + 1, `count ${after} after ${before}: the failed change was written`)
    },
  ]
}

/** SvelteKit: client-side navigation's `__data.json`, form actions as browsers post them, CSRF. */
function sveltekitChecks() {
  /** The page's data in a `__data.json` body (devalue's flat form: an object of indexes). */
  const pageData = (body) => {
    const node = JSON.parse(body).nodes.findLast((n) => n?.type === 'data')
    const [shape, ...values] = node.data
    return Object.fromEntries(Object.entries(shape).map(([k, i]) => [k, i < 0 ? undefined : values[i - 1]]))
  }
  const formPost = (c, path, user, headers) =>
    c.request(path, {
      method: 'POST',
      body: user === undefined ? undefined : new URLSearchParams({ user }),
      headers: { origin: c.origin, accept: 'text/html', ...headers },
    })
  return [
    [
      '/__data.json (client-side navigation) gets the session, and its write sets the cookie',
      async (c) => {
        const before = JSON.parse((await c.request('/session')).body)
        const r = await c.request('/__data.json?x-sveltekit-invalidated=01')
        expect(r.response.status === 200, `status ${r.response.status}`)
        const data = pageData(r.body)
        expect(data.sid === before.id && data.count === before.data.count + 1, r.body)
        expect(r.setCookies.length === 1 && r.setCookies[0].startsWith('demo_sid='), `${r.setCookies}`)
        expect(/private/.test(r.response.headers.get('cache-control')), 'cache-control is not private')
        const after = JSON.parse((await c.request('/session')).body)
        expect(after.data.count === data.count, `count ${after.data.count}, want ${data.count}`)
      },
    ],
    [
      "a browser's form post reaches the form action: 303, a new id, and the flash",
      async (c) => {
        const { sid } = await c.page()
        const login = await formPost(c, '/login', 'grace')
        expect(login.response.status === 303 && login.setCookies.length === 1, `${login.response.status}`)
        const p = await c.page()
        expect(p.user === 'grace' && p.flash === 'Welcome, grace!' && p.sid !== sid, `${p.user}/${p.flash}`)
        const out = await formPost(c, '/logout')
        expect(out.response.status === 303 && c.jar.size === 0, `logout ${out.response.status}`)
      },
    ],
    [
      'use:enhance: the form action answers its redirect as JSON and still sets the cookie',
      async (c) => {
        const r = await formPost(c, '/login', 'lin', {
          accept: 'application/json',
          'x-sveltekit-action': 'true',
        })
        const result = JSON.parse(r.body)
        expect(r.response.status === 200 && result.type === 'redirect' && result.status === 303, r.body)
        expect(r.setCookies.length === 1, `Set-Cookie: ${r.setCookies}`)
        const data = pageData((await c.request('/__data.json')).body)
        expect(data.user === 'lin' && data.notice === 'Welcome, lin!', JSON.stringify(data))
        await formPost(c, '/logout')
      },
    ],
    [
      'a form post from another origin is refused (403) and writes nothing',
      async (c) => {
        const r = await formPost(c, '/login', 'mallory', { origin: 'http://evil.example' })
        expect(r.response.status === 403 && r.setCookies.length === 0, `status ${r.response.status}`)
        expect((await c.page()).user === 'nobody', 'signed in by a cross-site post')
      },
    ],
  ]
}

const { wanted, pass, fail, absent, start, select, runChecks, finish } = serverRunner(
  Object.keys(frameworks),
  'frameworks',
  DEADLINE_MS,
)
// Installed before the deadline starts; a failed install leaves a file missing (a skip, or a
// failure under CI=true).
if (wanted.includes('elysia')) ensureRuntimes()
for (const name of wanted) if (frameworks[name]) ensureInstalled(frameworks[name].dir)
start()

function run(argv, cwd, what) {
  const [command, ...rest] = argv
  const r = spawnSync(command, rest, { cwd, encoding: 'utf8', env: process.env, timeout: BUILD_MS })
  if (r.status !== 0)
    throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`.slice(-4000))
}

let built = false
for (const name of wanted) {
  const framework = frameworks[name]
  if (!framework) throw new Error(`unknown framework ${name}; known: ${Object.keys(frameworks).join(', ')}`)
  const all = [...checks, ...(framework.checks ?? [])]
  const selected = select(name, all)
  if (selected.length === 0) continue
  const gone = missing(framework)
  if (gone) {
    const install = gone.startsWith(RUNTIMES)
      ? 'npm ci --prefix runtimes'
      : gone.startsWith(framework.dir)
        ? `npm ci --prefix ${framework.dir}`
        : 'npm ci'
    absent(name, `${gone} is missing (${install})`)
    continue
  }
  try {
    if (!built) run(['npm', 'run', 'build'], root, 'npm run build (the library, for file:../..)')
    built = true
    run(framework.build, `${root}${framework.dir}`, `${name} build`)
    pass(`${name} › builds with its own tools`)
  } catch (error) {
    fail(`${name} › builds with its own tools`, error)
    continue
  }
  let server
  try {
    server = await startServer({ ...framework, cwd: framework.dir }, SETTINGS)
  } catch (error) {
    fail(`${name} › starts and answers on loopback`, error)
    continue
  }
  const client = new Client(`http://127.0.0.1:${server.port}`)
  await runChecks(name, server, selected, (fn) => fn(client, server))
  await server.stop()
}

await finish()
