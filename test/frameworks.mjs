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
import { spawn } from 'node:child_process'
import { cpSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import {
  ensureInstalled,
  ensureRuntimes,
  nodeAt,
  RUNTIMES,
  requireFromRuntimes,
  tool,
} from '../scripts/runtimes.mjs'
import { missing, root, startServer } from './browser/servers.mjs'
import { Client, checks, expect } from './demo-checks.mjs'
import { serverRunner } from './server-runner.mjs'

// No framework reports usage home from a test run (Next.js would, from its build and server).
process.env.NEXT_TELEMETRY_DISABLED = '1'
process.env.ASTRO_TELEMETRY_DISABLED = '1'
process.env.NUXT_TELEMETRY_DISABLED = '1'
// OLD_SESSION_SECRET: the React Router example's storage before its move (a legacy reader).
const SETTINGS = { SESSION_COOKIE: 'demo_sid', SESSION_MAX_AGE: '600', OLD_SESSION_SECRET: 'old-demo-secret' }
const BUILD_MS = 5 * 60_000
const DEADLINE_MS = 20 * 60_000

// What an example folder that reuses another's sources (`from`) never takes from it: its own
// install, and the build output of its own framework version.
const OWN = new Set(['node_modules', 'package.json', 'package-lock.json', 'README.md'])
const OUTPUT = new Set([
  '.svelte-kit',
  'build',
  'dist',
  '.astro',
  '.react-router',
  '.next',
  '.nuxt',
  '.output',
])

/**
 * name → { dir, node, from?, own?, build, command(settings, node), needs, checks? }.
 * - `node`: the Node major (runtimes/, scripts/runtimes.mjs) the build and the server run on:
 *   the oldest one the framework's `engines` accept, so the stated range is the tested one.
 * - `from`: a folder whose sources this one copies before its build, so that one app is tested
 *   on two majors of its framework: `examples/sveltekit@2` holds only the package.json and
 *   lockfile of SvelteKit 2 and builds `examples/sveltekit`'s sources with them; `own` lists
 *   the few files it keeps instead of the copied ones.
 * - `build`, `command`: argv run in `dir`, with that Node first on PATH.
 * - `checks`: extra [title, async (client) => {}] pairs run after the demo's, on the same server.
 */
/** A built Vite app's fetch handler at `entry`, served by srvx (its client assets beside it). */
function srvx(entry) {
  return ({ HOST, PORT }) => [
    'node_modules/.bin/srvx',
    '--prod',
    `--host=${HOST}`,
    `--port=${PORT}`,
    '--static=../client', // relative to the entry's folder
    entry,
  ]
}

export const frameworks = {
  'react-router': reactRouter('examples/react-router', 22), // React Router 8: Node >= 22.22
  // React Router 7 names the root's client-side data /_root.data, 8 /_.data.
  'react-router@7': reactRouter('examples/react-router@7', 20, 'examples/react-router', '/_root.data'),
  sveltekit: sveltekit('examples/sveltekit', 22, undefined, 401), // SvelteKit 3: Node >= 22.17
  // SvelteKit 2 keeps its own tsconfig.json (3 extends another base) and vite.config.ts (a flag).
  // It answers use:enhance's fail(401) in a 200, where 3 answers a 401.
  'sveltekit@2': {
    ...sveltekit('examples/sveltekit@2', 20, 'examples/sveltekit', 200),
    own: ['tsconfig.json', 'vite.config.ts'],
  },
  next: nextjs('examples/next', 20), // Next.js 16: Node >= 20.9
  // Next.js 15 (Node ^18.18 || >= 20) runs the proxy as middleware, on its default Edge runtime:
  // its own middleware.ts re-exports proxy.ts's function. It answers a Server Action's redirect,
  // called as React calls it, with a 303, where 16 answers a 200.
  'next@15': { ...nextjs('examples/next@15', 18, 'examples/next', 303), own: ['middleware.ts'] },
  astro: astro('examples/astro', 22), // Astro 7.4: Node >= 22.23.4
  'astro@6': astro('examples/astro@6', 22, 'examples/astro'), // Astro 6.4: Node >= 22.12
  'astro@5': astro('examples/astro@5', 20, 'examples/astro'),
  // h3 v2, Hono and Elysia come from the root's devDependencies (Bun from runtimes/): their
  // examples are plain folders, and each reaches the built package by its own name (Node and Bun
  // resolve a package's name from inside it through its `exports`); their tsconfig.json has no
  // `paths`, so neither tsx nor Bun maps it to src/.
  h3: {
    dir: 'examples/h3',
    node: 20, // h3 2: Node >= 20.19
    build: ['node', '-e', ''], // nothing to build: tsx runs server.ts; the runner builds dist/
    command: () => [`${root}node_modules/.bin/tsx`, 'server.ts'],
    needs: ['node_modules/h3/package.json', 'node_modules/.bin/tsx'],
    checks: [
      builtPackage('h3'),
      typeChecks('examples/h3'),
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
  // Hono on Node, served by @hono/node-server.
  hono: {
    dir: 'examples/hono',
    node: 20, // @hono/node-server 2: Node >= 20
    build: ['node', '-e', ''], // nothing to build: tsx runs server.ts; the runner builds dist/
    command: () => [`${root}node_modules/.bin/tsx`, 'server.ts'],
    needs: ['node_modules/hono/package.json', 'node_modules/@hono/node-server/package.json'],
    checks: [
      builtPackage('hono'),
      typeChecks('examples/hono'),
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
    ],
  },
  // h3 v1, the h3 of Nuxt 4 and Nitro 2, with its own install: its routes redirect with
  // sendRedirect, which sends the response itself, past any middleware.
  'h3-v1': {
    dir: 'examples/h3-v1',
    node: 20,
    build: ['node', '-e', ''], // nothing to build: tsx runs server.ts; the runner builds dist/
    command: () => ['node_modules/.bin/tsx', 'server.ts'],
    needs: ['examples/h3-v1/node_modules/h3/package.json'],
    checks: [
      builtPackage('h3'),
      typeChecks('examples/h3-v1'),
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
      ...h3v1WebHandlers(),
    ],
  },
  // Nuxt 4 (Nitro 2, h3 1.15): sealed-session/h3 as a server/middleware/ file, server routes
  // that answer with plain values and sendRedirect; Nitro's own server (.output/) serves it.
  nuxt: nuxt('examples/nuxt', 22), // Nuxt 4.6: Node ^22.22.3 || ^24.15
  // Nuxt 3.21 (Nitro 2, h3 1.15 too): the same sources, built and served by Nuxt 3.
  'nuxt@3': nuxt('examples/nuxt@3', 20, 'examples/nuxt'), // Nuxt 3.21: Node ^20.19 || >= 22.12
  // TanStack Start: no adapter; the store in a global request middleware (src/session.ts), built
  // by vite (then tsc: the middleware's context type reaches every route) and served by srvx.
  'tanstack-start': {
    dir: 'examples/tanstack-start',
    node: 22, // TanStack Start 1.169: Node >= 22.12
    build: ['npm', 'run', 'build'],
    command: srvx('dist/server/server.js'),
    needs: ['examples/tanstack-start/node_modules/@tanstack/react-start/package.json'],
    checks: [plainValueCarriesCookie(), throwingRouteWritesNothing()],
  },
  // Hattip: no adapter; the store as a compose() middleware (session.ts), type-checked by tsc and
  // served by Hattip's Node adapter.
  hattip: {
    dir: 'examples/hattip',
    node: 20,
    build: ['npm', 'run', 'check'], // tsc --noEmit; tsx runs server.ts
    command: () => ['node_modules/.bin/tsx', 'server.ts'], // HOST and PORT from the env
    needs: ['examples/hattip/node_modules/@hattip/adapter-node/package.json'],
    checks: [plainValueCarriesCookie(), throwingRouteWritesNothing()],
  },
  // SolidStart 2: sealed-session/h3 as its middleware (an h3 v2 middleware, as SolidStart 2 takes
  // them); built by vite (then tsc) and its fetch handler served by srvx, SolidStart's own server.
  // Not through @solidjs/vite-plugin-nitro-2 0.3: installed by npm, its Nitro 2 entry imports
  // the hoisted h3 2 and hands SolidStart a Node request with a relative URL (every request 500s).
  solidstart: {
    dir: 'examples/solidstart',
    node: 24, // SolidStart 2: Node >= 24
    build: ['npm', 'run', 'build'],
    command: srvx('dist/server/entry-server.js'),
    needs: ['examples/solidstart/node_modules/@solidjs/start/package.json'],
    checks: [plainValueCarriesCookie(), throwingRouteWritesNothing()],
  },
  elysia: {
    dir: 'examples/elysia',
    node: 20,
    build: ['node', '-e', ''], // nothing to build: Bun runs server.ts; the runner builds dist/
    command: () => [tool('bun'), 'server.ts'],
    needs: ['node_modules/elysia/package.json', tool('bun')],
    checks: [
      builtPackage('elysia'),
      typeChecks('examples/elysia'),
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
    ],
  },
}

/** Nuxt's example in `dir`: `nuxt build`, served by Nitro's own Node server (.output/). */
function nuxt(dir, node, from) {
  return {
    dir,
    node,
    from,
    build: ['node_modules/.bin/nuxt', 'build'],
    command: (_settings, nodeBin) => [nodeBin, '.output/server/index.mjs'], // HOST and PORT from the env
    needs: [`${dir}/node_modules/nuxt/package.json`],
    checks: [
      plainValueCarriesCookie(),
      throwingRouteWritesNothing(),
      [
        "the package's h3 peer range admits the h3 Nuxt installs, so npm adds no second h3 beside it",
        // A range that left it out (`>=2`) made npm install h3 2 at node_modules/h3 for an app
        // installing the packed package; a file: link, as here, is not resolved that way, so the
        // range is checked against this install rather than the install itself.
        async () => {
          const { satisfies } = requireFromRuntimes('semver')
          const range = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).peerDependencies.h3
          const lock = JSON.parse(readFileSync(`${root}${dir}/package-lock.json`, 'utf8')).packages
          const versions = Object.entries(lock)
            .filter(([path]) => path.endsWith('node_modules/h3'))
            .map(([, entry]) => entry.version)
          expect(versions.length > 0 && versions.every((v) => satisfies(v, range)), `${versions} vs ${range}`)
        },
      ],
    ],
  }
}

/** React Router's example in `dir`: `react-router build`, served by `react-router-serve`. */
function reactRouter(dir, node, from, rootData = '/_.data') {
  return {
    dir,
    node,
    from,
    // typegen and tsc first: the build fails unless the storage is React Router's SessionStorage type.
    build: ['npm', 'run', 'build'],
    command: () => ['node_modules/.bin/react-router-serve', 'build/server/index.js'],
    needs: [`${dir}/node_modules/.bin/react-router-serve`],
    checks: [
      [
        'an unchanged session is not re-sealed: commitHeaders gives no Set-Cookie and no Cache-Control',
        async (c) => {
          const set = await c.request('/grow?bytes=0')
          expect(set.response.status === 200 && set.setCookies.length === 1, `first ${set.setCookies}`)
          const same = await c.request('/grow?bytes=0')
          expect(same.setCookies.length === 0, `second: ${same.setCookies}`)
          expect(same.response.headers.get('cache-control') === null, 'a private unchanged response')
          const p = await c.page()
          expect(p.count === 3, `count ${p.count}, want 3`)
        },
      ],
      [
        "a cookie of React Router's own storage opens; the response deletes it beside ours, and logout too",
        async (c) => {
          // Made by React Router itself, as the app's storage made it before the move.
          const { createCookieSessionStorage } = await import('react-router')
          const before = createCookieSessionStorage({
            cookie: { name: '__session', secrets: [SETTINGS.OLD_SESSION_SECRET] },
          })
          const old = await before.getSession()
          old.set('user', 'grace')
          old.set('count', 41)
          const fresh = new Client(c.origin)
          const line = await before.commitSession(old)
          fresh.jar.set('__session', line.slice('__session='.length, line.indexOf(';')))
          const p = await fresh.page()
          expect(p.user === 'grace' && p.count === 42, `page ${p.user} ${p.count}`)
          expect(p.setCookies.length === 2 && !fresh.jar.has('__session'), `Set-Cookie: ${p.setCookies}`)
          expect(p.response.headers.get('cache-control') === 'private', 'cache-control is not private')
          fresh.jar.set('__session', line.slice('__session='.length, line.indexOf(';'))) // it comes back
          const out = await fresh.request('/logout', { method: 'POST' })
          expect(out.response.status === 303 && fresh.jar.size === 0, `logout kept ${[...fresh.jar.keys()]}`)
        },
      ],
      [
        `<Form>'s client-side login (POST /login.data) sets the cookie; GET ${rootData} shows the flash once`,
        async (c) => {
          const form = new URLSearchParams({ user: 'eve' })
          const login = await c.request('/login.data', { method: 'POST', body: form })
          expect(
            login.response.status === 202 && login.setCookies.length === 1,
            `login ${login.response.status}`,
          )
          expect(login.body.includes('"redirect","/"'), `not a redirect: ${login.body}`)
          const data = await c.request(rootData)
          expect(data.setCookies.length === 1 && data.body.includes('"Welcome, eve!"'), data.body)
          const again = await c.request(rootData)
          expect(!again.body.includes('Welcome') && again.body.includes('"eve"'), again.body)
        },
      ],
    ],
  }
}

/** Next.js's example in `dir`: `next build` (its TypeScript step too), served by `next start`. */
function nextjs(dir, node, from, actionRedirect = 200) {
  return {
    dir,
    node,
    from,
    build: ['node_modules/.bin/next', 'build'],
    command: ({ HOST, PORT }) => ['node_modules/.bin/next', 'start', '-H', HOST, '-p', PORT],
    needs: [`${dir}/node_modules/next/package.json`],
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
        'a Server Action called as React calls it (Next-Action) logs in; GET / shows the flash once',
        async (c) => {
          const { body } = await c.request('/logout', { method: 'POST', headers: { origin: c.origin } })
          expect(c.jar.size === 0, `still signed in: ${body.slice(0, 200)}`)
          const before = await c.page()
          const action = /name="\$ACTION_ID_([0-9a-f]+)"/.exec(before.body)?.[1]
          expect(action, 'no Server Action form on the page')
          // React's encodeReply of the form's FormData: its fields as part 1, the arguments as part 0.
          const form = new FormData()
          form.set('_1_user', 'lin')
          form.set('0', '["$K1"]')
          const headers = { origin: c.origin, accept: 'text/x-component', 'next-action': action }
          const post = await c.request('/', { method: 'POST', body: form, headers })
          const redirect = post.response.headers.get('x-action-redirect')
          expect(
            post.response.status === actionRedirect && redirect === '/;push',
            `${post.response.status} ${redirect}`,
          )
          expect(
            post.setCookies.length === 1 && post.setCookies[0].startsWith('demo_sid='),
            `${post.setCookies}`,
          )
          // Next renders the redirect's target itself, and drops the Set-Cookie of that render: a
          // flash taken there would show now and again on the next load.
          expect(
            !post.body.includes('Welcome'),
            `the redirect's render took the flash: ${post.body.slice(0, 300)}`,
          )
          const p = await c.page()
          expect(p.user === 'lin' && p.flash === 'Welcome, lin!', `after login: ${p.user} / ${p.flash}`)
          expect(p.sid !== before.sid && p.count === before.count + 1, `${p.sid} ${p.count}`)
          const again = await c.page()
          expect(
            again.flash === undefined && again.user === 'lin',
            `reloaded: ${again.user} / ${again.flash}`,
          )
        },
      ],
      [
        "in development, a flash read on Next's own render-time cookies() throws; on its writable ones it reads once",
        async () => {
          // Next's cookie stores, as cookies() returns them while a Server Component renders
          // (sealed) and in a Server Action or Route Handler (mutable); NODE_ENV is not production here.
          const next = createRequire(`${root}${dir}/package.json`)
          const { RequestCookiesAdapter, MutableRequestCookiesAdapter } = next(
            'next/dist/server/web/spec-extension/adapters/request-cookies.js',
          )
          const { RequestCookies } = next('next/dist/server/web/spec-extension/cookies.js')
          const { getSession } = await import('sealed-session/next')
          const options = { secret: 'frameworks-check-secret-0123456789abcdef' }
          const written = []
          const first = await getSession({ getAll: () => [], set: (...c) => written.push(c) }, options)
          first.flash('notice', 'Welcome!')
          await first.save()
          const request = () =>
            new RequestCookies(new Headers({ cookie: `${written[0][0]}=${written[0][1]}` }))
          const rendering = await getSession(RequestCookiesAdapter.seal(request()), options)
          let refused
          try {
            rendering.flash('notice')
          } catch (error) {
            refused = error
          }
          expect(refused?.code === 'ERR_COOKIES_READ_ONLY', `a flash read in render: ${refused}`)
          const action = await getSession(MutableRequestCookiesAdapter.wrap(request()), options)
          expect(action.flash('notice') === 'Welcome!' && action.flash('notice') === undefined, 'read once')
          await action.save()
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
  }
}

/**
 * SvelteKit's example in `dir`: svelte-check, `vite build`, served by adapter-node's server.
 * `failStatus`: the HTTP status this major answers a form action's fail(401) with, to use:enhance.
 */
function sveltekit(dir, node, from, failStatus) {
  return {
    dir,
    node,
    from,
    // svelte-check first (SESSION_SECRET unset, as for every build): it type-checks the hook
    // against SvelteKit's own Handle and App.Locals.
    build: ['sh', '-c', 'npm run check && npm run build'],
    // adapter-node's server reads HOST and PORT; ORIGIN is the site's origin, as in production.
    command: ({ HOST, PORT }, nodeBin) => ['env', `ORIGIN=http://${HOST}:${PORT}`, nodeBin, 'build'],
    needs: [`${dir}/node_modules/@sveltejs/kit/package.json`],
    checks: sveltekitChecks(dir, failStatus),
  }
}

/** Astro's example in `dir`: `astro check`, `astro build`, served by @astrojs/node's standalone server. */
function astro(dir, node, from) {
  return {
    dir,
    node,
    from,
    // astro check first (SESSION_SECRET unset, as for every build): it type-checks the .astro
    // pages and the middleware against Astro's own types (App.Locals, astro:env).
    build: ['sh', '-c', 'npm run check && npm run build'],
    command: (_settings, nodeBin) => [nodeBin, './dist/server/entry.mjs'], // HOST and PORT from the env
    needs: [`${dir}/node_modules/.bin/astro`, `${dir}/node_modules/@astrojs/node/package.json`],
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
          run([`${root}node_modules/.bin/tsc`, '--noEmit', '-p', '.'], `${root}${dir}`, 'tsc', node),
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
  }
}

/** The server read SESSION_SECRET when it ran, not at build time (where it is unset). */
function secretFromEnvironment() {
  return [
    'the server reads SESSION_SECRET from its environment when it starts (the build had none)',
    async (_client, server) => {
      expect(!/No SESSION_SECRET set/.test(server.output()), `the secret was not read:\n${server.output()}`)
    },
  ]
}

/** The example printed where its adapter came from: the built package, as users install it. */
function builtPackage(name) {
  return [
    `${name}: the example loads sealed-session/${name} from the built package (dist/), not src/`,
    async (_client, server) => {
      const from = new RegExp(`sealed-session/${name} from file://${root}dist/adapters/${name}\\.js`)
      expect(from.test(server.output()), `not loaded from dist/:\n${server.output()}`)
    },
  ]
}

/** tsc on the example against the built .d.ts: the session is typed in the handler's context. */
function typeChecks(dir) {
  return [
    'the example type-checks against the built .d.ts (a typed session in the context)',
    () => run([`${root}node_modules/.bin/tsc`, '-p', dir], root, `tsc -p ${dir}`),
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

/**
 * h3 v1's toWebHandler and toPlainHandler (and Nitro's own fetch, through the same mock response)
 * read the response as soon as the app's promise settles, in process, with the example's h3 v1.
 */
function h3v1WebHandlers() {
  const makeApp = async () => {
    const h3 = await import(`${root}examples/h3-v1/node_modules/h3/dist/index.mjs`)
    const { session } = await import('sealed-session/h3')
    const { createApp, createRouter, defineEventHandler: on, createError, sendRedirect } = h3
    /** Logs in (a new id, a user), saved: then `answer`. */
    const login = (answer) =>
      on(async (event) => {
        event.context.session.regenerate()
        event.context.session.set('user', 'ada')
        await event.context.session.save()
        return answer(event)
      })
    const app = createApp().use(session({ secret: 'frameworks-check-secret-0123456789abcdef' }))
    const router = createRouter()
      .get(
        '/read',
        on((event) => ({ user: event.context.session.get('user') ?? null })),
      )
      .get(
        '/login',
        login(() => ({ in: true })),
      )
      .get(
        '/redirect',
        login((event) => sendRedirect(event, '/read', 303)),
      )
      .get(
        '/refused',
        login(() => Promise.reject(createError({ statusCode: 401 }))),
      )
      .get(
        '/fail',
        login(() => Promise.reject(new Error('failed after save()'))),
      )
      .get(
        '/unsaved',
        on((event) => {
          event.context.session.set('user', 'eve')
          return { in: true }
        }),
      )
    app.use(router)
    return { h3, app }
  }
  const quietly = async (call) => {
    const error = console.error
    console.error = () => {} // h3's log of the failures below, and the adapter's of /unsaved
    try {
      return await call()
    } finally {
      console.error = error
    }
  }
  return [
    [
      "h3 v1's toWebHandler and toPlainHandler: a saved change goes out with its body and cookie",
      async () => {
        const { h3, app } = await makeApp()
        const web = h3.toWebHandler(app)
        const get = async (path, cookie) => {
          const res = await web(new Request(`http://localhost${path}`, cookie ? { headers: { cookie } } : {}))
          return { res, body: await res.text(), cookies: res.headers.getSetCookie() }
        }
        const fresh = await get('/read')
        expect(
          fresh.res.status === 200 && fresh.body === '{"user":null}',
          `${fresh.res.status} ${fresh.body}`,
        )
        expect(fresh.cookies.length === 0, `an unchanged session wrote ${fresh.cookies}`)
        const login = await get('/login')
        expect(login.res.status === 200 && login.body === '{"in":true}', `${login.res.status} ${login.body}`)
        expect(login.cookies.length === 1, `Set-Cookie: ${login.cookies}`)
        expect(login.res.headers.get('cache-control') === 'private', 'cache-control is not private')
        const cookie = login.cookies[0].split(';')[0]
        const read = await get('/read', cookie)
        expect(read.body === '{"user":"ada"}' && read.cookies.length === 0, `${read.body} ${read.cookies}`)
        const redirect = await get('/redirect', cookie)
        expect(redirect.res.status === 303 && redirect.cookies.length === 1, `${redirect.res.status}`)
        const plain = await h3.toPlainHandler(app)({ method: 'GET', path: '/login', headers: {} })
        const body = String(plain.body)
        const set = plain.headers.filter(([name]) => name === 'set-cookie')
        expect(plain.status === 200 && body === '{"in":true}' && set.length === 1, `${plain.status} ${body}`)
      },
    ],
    [
      "h3 v1's toWebHandler: an unsaved change answers 500, and a failure after save() writes nothing",
      async () => {
        const { h3, app } = await makeApp()
        const web = h3.toWebHandler(app)
        for (const [path, status] of [
          ['/unsaved', 500],
          ['/refused', 401],
          ['/fail', 500],
        ]) {
          const res = await quietly(() => web(new Request(`http://localhost${path}`)))
          const cookies = res.headers.getSetCookie()
          expect(res.status === status && cookies.length === 0, `${path}: ${res.status} ${cookies}`)
        }
      },
    ],
  ]
}

/**
 * SvelteKit: client-side navigation's `__data.json`, form actions as browsers post them, CSRF,
 * and failures SvelteKit answers in a 200 (use:enhance's fail(), remote functions' errors).
 */
function sveltekitChecks(dir, failStatus) {
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
    throwingRouteWritesNothing(),
    [
      'error(401) thrown after regenerate() by a load, its __data.json and a form action writes nothing',
      async (c) => {
        const before = await c.page()
        const enhance = { accept: 'application/json', 'x-sveltekit-action': 'true' }
        for (const [what, status, send] of [
          ['the page', 401, () => c.request('/two-factor')],
          ['__data.json (an error node in a 200)', 200, () => c.request('/two-factor/__data.json')],
          ['a form post', 401, () => formPost(c, '/two-factor', 'mallory')],
          ['use:enhance', 401, () => formPost(c, '/two-factor', 'mallory', enhance)],
        ]) {
          const r = await send()
          expect(r.response.status === status, `${what}: status ${r.response.status}`)
          expect(r.setCookies.length === 0, `${what} wrote ${r.setCookies}`)
        }
        const after = await c.page()
        expect(after.sid === before.sid && after.user === before.user, `${after.sid} ${after.user}`)
        expect(after.count === before.count + 1, `count ${after.count} after ${before.count}`)
      },
    ],
    ...sveltekitSecondFactorChecks(dir, failStatus),
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

/**
 * The example's second factor (routes/verify): a form action and a remote command, each of which
 * regenerates and sets the user before it checks the code. A wrong code (fail(401), error(401))
 * writes nothing, whatever status SvelteKit answers it with; the right one writes the session.
 */
function sveltekitSecondFactorChecks(dir, failStatus) {
  const CODE = '123456' // routes/verify/code.ts
  const enhance = { accept: 'application/json', 'x-sveltekit-action': 'true' }
  const verify = (c, code, headers) =>
    c.request('/verify', {
      method: 'POST',
      body: new URLSearchParams({ user: 'mallory', code }),
      headers: { origin: c.origin, accept: 'text/html', ...headers },
    })
  /** The command's URL: its file's hash, from the built server's manifest of remote modules. */
  const remoteUrl = () => {
    const output = `${root}${dir}/.svelte-kit/output/server`
    const manifest = readFileSync(`${output}/manifest.js`, 'utf8')
    const hash = [...manifest.matchAll(/'(\w+)': __memo\(\(\) => import\('\.\/chunks\/remote-\1\.js'\)\)/g)]
      .map(([, h]) => h)
      .find((h) => readFileSync(`${output}/chunks/remote-${h}.js`, 'utf8').includes('verify.remote'))
    expect(hash, `no remote module of verify.remote.ts in ${output}/manifest.js`)
    return `/_app/remote/${hash}/verifyCode`
  }
  /** A command call as the client makes it: its argument in devalue's form, base64url-encoded. */
  const command = (c, code) =>
    c.request(remoteUrl(), {
      method: 'POST',
      body: JSON.stringify({
        payload: Buffer.from(JSON.stringify([{ user: 1, code: 2 }, 'mallory', code])).toString('base64url'),
        refreshes: [],
      }),
      headers: {
        origin: c.origin,
        'content-type': 'application/json',
        'x-sveltekit-pathname': '/verify',
        'x-sveltekit-search': '',
      },
    })
  /** Runs `send`, which must write nothing: the browser's session is the one it had before. */
  const writesNothing = async (c, what, send) => {
    const before = await c.page()
    const r = await send()
    expect(r.setCookies.length === 0, `${what} (${r.response.status}) wrote ${r.setCookies}`)
    const after = await c.page()
    expect(after.sid === before.sid && after.user === before.user, `${what}: ${after.sid} ${after.user}`)
    return r
  }
  return [
    [
      `use:enhance: a form action that fail(401)s after regenerate() (answered ${failStatus}) writes nothing`,
      async (c) => {
        await writesNothing(c, 'a form post', async () => {
          const r = await verify(c, '000000')
          expect(r.response.status === 401, `a form post: status ${r.response.status}`)
          return r
        })
        for (const [what, headers] of [
          ['use:enhance', enhance],
          ['a post asking for JSON without x-sveltekit-action', { accept: 'application/json' }],
        ]) {
          await writesNothing(c, what, async () => {
            const r = await verify(c, '000000', headers)
            const result = JSON.parse(r.body)
            expect(r.response.status === failStatus, `${what}: status ${r.response.status}`)
            expect(result.type === 'failure' && result.status === 401, `${what}: ${r.body}`)
            return r
          })
        }
      },
    ],
    [
      'use:enhance: a form action that succeeds after regenerate() writes the session',
      async (c) => {
        const { sid } = await c.page()
        const r = await verify(c, CODE, enhance)
        const result = JSON.parse(r.body)
        expect(r.response.status === 200 && result.type === 'success', `${r.response.status} ${r.body}`)
        expect(r.setCookies.length === 1, `Set-Cookie: ${r.setCookies}`)
        const p = await c.page()
        expect(p.user === 'mallory' && p.sid !== sid, `${p.user} ${p.sid}`)
        await c.request('/logout', { method: 'POST', headers: { origin: c.origin } })
      },
    ],
    [
      'a remote command that error(401)s after regenerate() (answered 200) writes nothing',
      async (c) => {
        const r = await writesNothing(c, 'the remote command', () => command(c, '000000'))
        const result = JSON.parse(r.body)
        expect(r.response.status === 200 && result.type === 'error', `${r.response.status} ${r.body}`)
      },
    ],
    [
      'a remote command that succeeds after regenerate() writes the session',
      async (c) => {
        const { sid } = await c.page()
        const r = await command(c, CODE)
        const result = JSON.parse(r.body)
        expect(r.response.status === 200 && result.type === 'result', `${r.response.status} ${r.body}`)
        expect(r.setCookies.length === 1, `Set-Cookie: ${r.setCookies}`)
        const p = await c.page()
        expect(p.user === 'mallory' && p.sid !== sid, `${p.user} ${p.sid}`)
        await c.request('/logout', { method: 'POST', headers: { origin: c.origin } })
      },
    ],
  ]
}

const { wanted, pass, fail, absent, start, select, runChecks, finish } = serverRunner(
  Object.keys(frameworks),
  'frameworks',
  DEADLINE_MS,
)
for (const name of wanted) {
  if (!frameworks[name])
    throw new Error(`unknown framework ${name}; known: ${Object.keys(frameworks).join(', ')}`)
}
// Installed before the deadline starts; a failed install leaves a file missing (a skip, or a
// failure under CI=true). The Node binaries come from runtimes/.
ensureRuntimes()
for (const name of wanted) ensureInstalled(frameworks[name].dir)
start()

/**
 * The environment with Node `major` (from runtimes/) first on PATH, so npm, npx and shebangs use
 * it; without SESSION_SECRET, as in CI, so that no build can inline it.
 */
function withNode(major) {
  const { SESSION_SECRET: _, ...env } = process.env
  return { ...env, PATH: `${dirname(nodeAt(major))}:${env.PATH}` }
}

/**
 * Runs `argv` in `cwd` and throws with its output when it fails. Asynchronous: a check that runs
 * a tool leaves the event loop free, or the client's idle keep-alive connections would miss the
 * server closing them meanwhile, and the next request would fail.
 */
async function run(argv, cwd, what, node) {
  const [command, ...rest] = argv
  const env = node === undefined ? process.env : withNode(node)
  const child = spawn(command, rest, { cwd, env, timeout: BUILD_MS, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const [code, signal] = await new Promise((resolve) => {
    child.once('error', (error) => resolve([String(error), null]))
    child.once('close', (...result) => resolve(result))
  })
  if (code !== 0) throw new Error(`${what} failed (${code ?? signal}):\n${output}`.slice(-4000))
}

/** Copies `from`'s sources into `to` (see `from` above), replacing what an earlier run copied. */
function copySources(from, to, own = []) {
  for (const entry of readdirSync(`${root}${from}`)) {
    if (OWN.has(entry) || OUTPUT.has(entry) || own.includes(entry)) continue
    cpSync(`${root}${from}/${entry}`, `${root}${to}/${entry}`, { recursive: true, force: true })
  }
}

let built = false
for (const name of wanted) {
  const framework = frameworks[name]
  const all = [...checks, secretFromEnvironment(), ...(framework.checks ?? [])]
  const selected = select(name, all)
  if (selected.length === 0) continue
  const gone = missing(framework) ?? missing({ needs: [nodeAt(framework.node)] })
  if (gone) {
    const install = gone.startsWith(RUNTIMES)
      ? 'npm ci --prefix runtimes'
      : gone.startsWith(framework.dir)
        ? `npm ci --prefix ${framework.dir}`
        : 'npm ci'
    absent(name, `${gone} is missing (${install})`)
    continue
  }
  const began = Date.now()
  let buildTime
  try {
    if (!built) await run(['npm', 'run', 'build'], root, 'npm run build (the library, for file:../..)')
    built = true
    if (framework.from) copySources(framework.from, framework.dir, framework.own)
    await run(framework.build, `${root}${framework.dir}`, `${name} build`, framework.node)
    pass(`${name} › builds with its own tools on Node ${framework.node}`)
    buildTime = seconds(began)
  } catch (error) {
    fail(`${name} › builds with its own tools on Node ${framework.node}`, error)
    continue
  }
  let server
  const nodeBin = nodeAt(framework.node)
  try {
    server = await startServer(
      { ...framework, cwd: framework.dir, command: (settings) => framework.command(settings, nodeBin) },
      { ...SETTINGS, PATH: withNode(framework.node).PATH },
    )
  } catch (error) {
    fail(`${name} › starts and answers on loopback`, error)
    continue
  }
  const client = new Client(`http://127.0.0.1:${server.port}`)
  await runChecks(name, server, selected, (fn) => fn(client, server))
  await server.stop()
  console.log(`     ${name}: built in ${buildTime}; built, served and checked in ${seconds(began)}`)
}

function seconds(since) {
  return `${Math.round((Date.now() - since) / 1000)} s`
}

await finish()
