// The Astro middleware against contexts shaped like Astro's: no Astro server here (that is
// test/frameworks.mjs, which builds examples/astro), so it runs on every runtime.
import type { Session, SessionOptions } from 'sealed-session'
import { sealedSession } from 'sealed-session/astro'
import { deepEqual, describe, equal, ok, rejects, test, throws } from './harness.ts'
import { request, SECRET } from './helpers.ts'

type Locals = { sealedSession?: Session<{ count: number; late: number }> } & Record<string, unknown>

/** Runs `middleware` once, the way Astro does: the page is `next`, rendered with `locals`. */
async function render(
  middleware: ReturnType<typeof sealedSession>,
  page: (locals: Locals) => Response | Promise<Response>,
  cookie?: string,
  extra: { isPrerendered?: boolean; locals?: Locals } = {},
) {
  const locals = extra.locals ?? {}
  const response = await middleware({ request: request('/', cookie), locals, ...extra }, async () =>
    page(locals),
  )
  return { locals, response, cookie: response.headers.getSetCookie()[0]?.split(';')[0] }
}

const counting = (locals: Locals) => {
  const s = locals.sealedSession!
  s.set('count', (s.get('count') ?? 0) + 1)
  return new Response(String(s.get('count')))
}

describe('astro middleware', () => {
  test('puts the session on locals.sealedSession and its change on the page response', async () => {
    const middleware = sealedSession({ secret: SECRET })
    const first = await render(middleware, counting)
    ok(first.cookie?.startsWith('session='), 'no Set-Cookie')
    equal(first.response.headers.get('cache-control'), 'private')
    const second = await render(middleware, counting, first.cookie)
    equal(await second.response.text(), '2')
  })

  test('uses the key it is given, so two sessions live side by side', async () => {
    const auth = sealedSession({ secret: SECRET, cookie: { name: 'auth' } }, { key: 'auth' })
    const prefs = sealedSession({ secret: SECRET, cookie: { name: 'prefs' } }, { key: 'prefs' })
    const locals: Locals = {}
    const req = request('/')
    const response = await auth({ request: req, locals }, () =>
      prefs({ request: req, locals }, async () => {
        ;(locals.auth as Session).set('user', 'ada')
        ;(locals.prefs as Session).set('theme', 'dark')
        return new Response('ok')
      }),
    )
    deepEqual(
      response.headers.getSetCookie().map((c) => c.split('=')[0]),
      ['prefs', 'auth'],
    )
  })

  test('refuses two middlewares on one key (ERR_OPTION_INVALID)', async () => {
    const locals: Locals = {}
    const req = request('/')
    const one = sealedSession({ secret: SECRET, cookie: { name: 'one' } })
    const two = sealedSession({ secret: SECRET, cookie: { name: 'two' } })
    await rejects(
      one({ request: req, locals }, () => two({ request: req, locals }, async () => new Response())),
      'ERR_OPTION_INVALID',
    )
  })

  test('writes nothing a throwing page changed, and closes its session', async () => {
    const locals: Locals = {}
    const middleware = sealedSession({ secret: SECRET })
    await rejects(
      middleware({ request: request('/'), locals }, async () => {
        locals.sealedSession!.set('count', 1)
        throw new Error('page failed')
      }),
    )
    throws(() => locals.sealedSession!.set('count', 2), 'ERR_SESSION_COMMITTED')
  })

  test('gives a prerendered page no session (no request to read, nowhere to write)', async () => {
    const { locals, response } = await render(
      sealedSession({ secret: SECRET }),
      () => new Response('static'),
      undefined,
      {
        isPrerendered: true,
      },
    )
    equal(locals.sealedSession, undefined)
    equal(response.headers.getSetCookie().length, 0)
  })

  test('a change while the body still renders throws ERR_SESSION_COMMITTED, never vanishes', async () => {
    // Astro renders a page's components after next() resolved. The serializer runs when the
    // commit takes its snapshot; a change queued from there lands while the cookie is sealed.
    let late: unknown
    const options: SessionOptions = {
      secret: SECRET,
      serializer: {
        stringify(value) {
          queueMicrotask(() => {
            try {
              locals.sealedSession!.set('late', 1)
              late = 'written'
            } catch (error) {
              late = (error as { code?: string }).code
            }
          })
          return JSON.stringify(value)
        },
        parse: JSON.parse,
      },
    }
    const locals: Locals = {}
    const { response } = await render(sealedSession(options), counting, undefined, { locals })
    equal(late, 'ERR_SESSION_COMMITTED')
    equal(response.headers.getSetCookie().length, 1)
  })
})
