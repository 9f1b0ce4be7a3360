// The SvelteKit hook without SvelteKit: events and a `sequence` of the same shape, so this runs on
// every runtime. The hook inside a real SvelteKit server is driven by test/frameworks.mjs.
import type { Session } from 'sealed-session'
import { session } from 'sealed-session/sveltekit'
import { equal, match, ok, rejects, test, throws } from './harness.ts'
import { request, SECRET } from './helpers.ts'

interface Locals {
  session: Session<{ count: number }>
  prefs: Session<{ theme: string }>
}
interface Event {
  request: Request
  locals: Locals
  platform: { env: { SESSION_SECRET: string } }
}
type Resolve = (event: Event) => Response | Promise<Response>
type Handle = (input: { event: Event; resolve: Resolve }) => Promise<Response>

/** SvelteKit's `sequence`: each handle's `resolve` is the next handle. */
const sequence =
  (...handles: Handle[]): Handle =>
  async ({ event, resolve }) =>
    handles.reduceRight<Resolve>((next, handle) => (e) => handle({ event: e, resolve: next }), resolve)(event)

/** A request through `handle` to `route`, as SvelteKit's server makes one event per request. */
function serve(handle: Handle, route: Resolve, cookie?: string) {
  const event = { request: request('/', cookie), locals: {}, platform: { env: { SESSION_SECRET: SECRET } } }
  return handle({ event: event as Event, resolve: route })
}

const count: Resolve = ({ locals }) => {
  locals.session.set('count', (locals.session.get('count') ?? 0) + 1)
  // What event.cookies.set leaves on the response by the time the hook sees it.
  const response = new Response(String(locals.session.get('count')))
  response.headers.append('set-cookie', 'theme=dark; Path=/')
  return response
}

test('sveltekit › the session is on event.locals and its cookie joins the ones the app set', async () => {
  const handle: Handle = session({ secret: SECRET })
  const first = await serve(handle, count)
  const [theme, cookie] = first.headers.getSetCookie()
  equal(theme, 'theme=dark; Path=/')
  match(cookie!, /^session=/)
  equal(first.headers.get('cache-control'), 'private')
  const second = await serve(handle, count, cookie!.split(';')[0])
  equal(await second.text(), '2')
})

test('sveltekit › options may be a function of the event (event.platform on Cloudflare)', async () => {
  const handle: Handle = session((event: Event) => ({ secret: event.platform.env.SESSION_SECRET }))
  equal(await (await serve(handle, count)).text(), '1')
})

test('sveltekit › two sessions in a sequence, each on its own key and cookie', async () => {
  const handle = sequence(
    session({ secret: SECRET }),
    session({ secret: SECRET, cookie: { name: 'prefs' } }, { key: 'prefs' }),
  )
  const response = await serve(handle, ({ locals }) => {
    locals.prefs.set('theme', 'dark')
    locals.session.set('count', 1)
    return new Response('ok')
  })
  const names = response.headers.getSetCookie().map((c) => c.slice(0, c.indexOf('=')))
  equal(names.sort().join(), 'prefs,session')
})

test('sveltekit › two hooks on one key fail on the first request with ERR_OPTION_INVALID', async () => {
  const handle = sequence(session({ secret: SECRET }), session({ secret: SECRET, cookie: { name: 'b' } }))
  await rejects(serve(handle, count), 'ERR_OPTION_INVALID')
})

test('sveltekit › when resolve throws, nothing is written and the session is closed', async () => {
  let kept: Session<{ count: number }> | undefined
  const handle: Handle = session({ secret: SECRET })
  await rejects(
    serve(handle, ({ locals }) => {
      kept = locals.session
      locals.session.set('count', 1)
      throw new Error('boom')
    }),
  )
  ok(kept)
  throws(() => kept!.set('count', 2), 'ERR_SESSION_COMMITTED')
})

// SvelteKit turns what a load, form action or endpoint throws into a response before `resolve()`
// returns (respond.js: handle_fatal_error, respond_with_error; actions.js: an `error` result).
test('sveltekit › an error response (a thrown error(401) after regenerate()) writes nothing', async () => {
  const handle: Handle = session({ secret: SECRET })
  const first = await serve(handle, count)
  const cookie = first.headers.getSetCookie()[1]!.split(';')[0]
  for (const status of [401, 403, 404, 500]) {
    let kept: Session<{ count: number }> | undefined
    const failed = await serve(
      handle,
      ({ locals }) => {
        kept = locals.session
        locals.session.regenerate() // a 2FA step: a new id, then the second factor fails
        locals.session.set('count', 100)
        return new Response('second factor refused', { status })
      },
      cookie,
    )
    equal(failed.status, status)
    equal(failed.headers.getSetCookie().length, 0, `status ${status}`)
    equal(failed.headers.get('cache-control'), null)
    throws(() => kept!.set('count', 2), 'ERR_SESSION_COMMITTED')
  }
  equal(await (await serve(handle, count, cookie)).text(), '2')
})

test('sveltekit › a redirect (thrown redirect(303) after login) still writes the session', async () => {
  const handle: Handle = session({ secret: SECRET })
  const response = await serve(handle, ({ locals }) => {
    locals.session.regenerate()
    locals.session.set('count', 7)
    return new Response(null, { status: 303, headers: { location: '/' } })
  })
  equal(response.status, 303)
  equal(response.headers.getSetCookie().length, 1)
})

test('sveltekit › __data.json whose load threw (a 200 with an error node) writes nothing', async () => {
  const handle: Handle = session({ secret: SECRET })
  const data =
    (nodes: unknown[], type = 'application/json') =>
    ({ locals }: Event) => {
      locals.session.regenerate()
      locals.session.set('count', 100)
      return new Response(`${JSON.stringify({ type: 'data', nodes })}\n`, {
        headers: { 'content-type': type },
      })
    }
  const asData = (route: Resolve) => (input: { event: Event; resolve: Resolve }) =>
    handle({ event: Object.assign(input.event, { isDataRequest: true }), resolve: route })
  const failed = [
    { type: 'data', data: [{}] },
    { type: 'error', error: { message: 'second factor refused' } },
  ]
  for (const type of ['application/json', 'text/sveltekit-data']) {
    const refused = await serve(asData(data(failed, type)), count)
    equal(refused.status, 200)
    equal(refused.headers.getSetCookie().length, 0, type)
    equal(JSON.parse((await refused.text()).trim()).nodes[1].type, 'error') // the body is intact
  }
  const fine = await serve(asData(data([{ type: 'data', data: [{ type: 1 }, 'error'] }])), count)
  equal(fine.headers.getSetCookie().length, 1)
})

/** A request as SvelteKit's event has it: `init` for the request, `extra` for the event. */
function serveAs(handle: Handle, route: Resolve, init: RequestInit, extra: object = {}) {
  const event = { request: request('/verify', undefined, init), locals: {}, ...extra }
  return handle({ event: event as unknown as Event, resolve: route })
}

/** A second factor: a new id and a user, then `answer` (SvelteKit's JSON for the outcome). */
const secondFactor =
  (answer: unknown, init: ResponseInit = {}): Resolve =>
  ({ locals }) => {
    locals.session.regenerate()
    locals.session.set('count', 100)
    return Response.json(answer, init)
  }

const enhanced = {
  method: 'POST',
  headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
  body: new URLSearchParams({ code: '000000' }),
}

// SvelteKit 2 answers use:enhance's fail() in a 200 (actions.js), and remote functions' errors
// in a 200 in both majors: the failure is in the JSON.
test('sveltekit › use:enhance JSON of a failure or error in a 200 writes nothing; success writes', async () => {
  const handle: Handle = session({ secret: SECRET })
  const failure = { type: 'failure', status: 401, data: '[{"message":1},"wrong code"]' }
  const error = { type: 'error', error: { message: 'wrong code' } }
  for (const [answer, headers] of [
    [failure, enhanced.headers],
    [error, enhanced.headers],
    [failure, { accept: 'application/json' }], // SvelteKit answers it JSON without the header too
    [failure, {}], // fetch()'s default Accept
  ] as const) {
    const r = await serveAs(handle, secondFactor(answer), { ...enhanced, headers })
    equal(r.status, 200)
    equal(r.headers.getSetCookie().length, 0, `${JSON.stringify(answer)} ${JSON.stringify(headers)}`)
    equal(r.headers.get('cache-control'), null)
    equal(JSON.stringify(await r.json()), JSON.stringify(answer)) // the body is intact
  }
  for (const answer of [
    { type: 'success', status: 200, data: '[{"user":1},"ada"]' },
    { type: 'success', status: 204 },
    { type: 'redirect', status: 303, location: '/' },
  ]) {
    const r = await serveAs(handle, secondFactor(answer), enhanced)
    equal(r.headers.getSetCookie().length, 1, answer.type)
    equal(JSON.stringify(await r.json()), JSON.stringify(answer))
  }
})

test("sveltekit › a remote function's error in a 200 writes nothing; its result writes", async () => {
  const handle: Handle = session({ secret: SECRET })
  const command = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payload":""}' }
  const remote = { isRemoteRequest: true }
  for (const [init, answer] of [
    [command, { type: 'error', error: { message: 'wrong code' }, status: 401 }], // SvelteKit 2
    [command, { type: 'error', error: { message: 'wrong code' } }], // SvelteKit 3
    [{}, { type: 'error', error: { message: 'Internal Error' } }], // a query (GET)
  ] as const) {
    const r = await serveAs(
      handle,
      secondFactor(answer, { headers: { 'cache-control': 'no-store' } }),
      init,
      remote,
    )
    equal(r.status, 200)
    equal(r.headers.getSetCookie().length, 0, JSON.stringify(answer))
    equal(JSON.stringify(await r.json()), JSON.stringify(answer))
  }
  const result = { type: 'result', data: '[{"_":1},{"user":2},"ada"]' }
  const ok = await serveAs(handle, secondFactor(result), command, remote)
  equal(ok.headers.getSetCookie().length, 1)
  equal(JSON.stringify(await ok.json()), JSON.stringify(result))
  // Its envelope whatever the order of its keys: `type` is looked for past the first ones.
  const late = await serveAs(
    handle,
    () =>
      new Response(`{"error":{"message":"${'x'.repeat(200)}"},"type":"error"}`, {
        headers: { 'content-type': 'application/json' },
      }),
    command,
    remote,
  )
  equal(late.headers.getSetCookie().length, 0)
})

test('sveltekit › an endpoint streaming JSON is read no further than its start, whatever the client sends', async () => {
  const handle: Handle = session({ secret: SECRET })
  // Open until the test ends it: a hook that read it whole would never answer.
  let source: ReadableStreamDefaultController<Uint8Array> | undefined
  const endless = ({ locals }: Event) => {
    locals.session.set('count', 1)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        source = controller
        controller.enqueue(new TextEncoder().encode(`{"ok":true,"rows":[${'1,'.repeat(100)}`))
      },
    })
    return new Response(body, { headers: { 'content-type': 'application/json' } })
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 2_000)))
  const answered = await Promise.race([serveAs(handle, endless, enhanced), timeout])
  clearTimeout(timer)
  ok(answered !== 'hung', 'the hook answered')
  equal((answered as Response).headers.getSetCookie().length, 1)
  // Ended, then read to its end: Node 18 keeps the process alive while a branch of a cloned body
  // stays open, and settles a cancel of one branch only with the other's.
  source?.enqueue(new TextEncoder().encode(']}'))
  source?.close()
  match(await (answered as Response).text(), /^\{"ok":true,"rows":\[1,/)
  // Nothing to write: the body is not read at all.
  const read = await serveAs(
    handle,
    () => new Response('{"type":"error"}', { headers: { 'content-type': 'application/json' } }),
    enhanced,
  )
  equal(read.bodyUsed, false)
  equal(await read.text(), '{"type":"error"}')
})

test("sveltekit › a +server endpoint's own JSON to a POST, and any GET's, is written", async () => {
  const handle: Handle = session({ secret: SECRET })
  const post = { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }
  const write =
    (body: string) =>
    ({ locals }: Event) => {
      locals.session.set('count', 1)
      return new Response(body, { headers: { 'content-type': 'application/json' } })
    }
  for (const [init, body] of [
    [post, '{"ok":true,"type":"error"}'], // `type` not first: not SvelteKit's envelope
    [post, '[{"type":"error"}]'],
    [post, '"error"'],
    [post, ''],
    [{}, '{"type":"error"}'], // a GET is no form action
  ] as const) {
    const r = await serveAs(handle, write(body), init)
    equal(r.headers.getSetCookie().length, 1, `${init === post ? 'POST' : 'GET'} ${body}`)
    equal(await r.text(), body)
  }
  // Not JSON: never read.
  const html = await serveAs(
    handle,
    ({ locals }) => {
      locals.session.set('count', 1)
      return new Response('{"type":"error"}', { headers: { 'content-type': 'text/html' } })
    },
    post,
  )
  equal(html.headers.getSetCookie().length, 1)
})
