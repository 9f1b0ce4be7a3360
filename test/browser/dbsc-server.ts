// The device-bound browser check's server: withSession with `deviceBinding`, over HTTPS (DBSC
// needs it) with the certificate the check made, on loopback. It prints one `trace {...}` line per
// request: what the browser sent and what it got, DBSC headers included.
//
// Test-only: `POST /__test/clock?advance=<ms>` moves the server's clock, so a copied bound cookie
// can be seen to expire without waiting ten minutes.
//
// Environment: PORT, HOST, SESSION_SECRET, TLS_CERT and TLS_KEY (PEM files).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import { serve } from '@hono/node-server'
import { withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'

const env = (name: string) => process.env[name] ?? ''
let offset = 0
const binding = deviceBound()

const handler = withSession(
  async (request, session) => {
    const url = new URL(request.url)
    switch (url.pathname) {
      case '/login':
        session.regenerate()
        session.set('user', 'ada')
        binding.bind(session)
        return page('signed in')
      case '/logout':
        session.destroy()
        return page('signed out')
      case '/me':
        return Response.json({ user: session.get('user') ?? null })
      case '/__test/clock':
        offset += Number(url.searchParams.get('advance'))
        return new Response(null, { status: 204 })
      default:
        return page('home')
    }
  },
  { secret: env('SESSION_SECRET'), deviceBinding: binding, now: () => Date.now() + offset },
)

function page(text: string): Response {
  return new Response(`<!doctype html><title>dbsc</title><p>${text}</p>`, {
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  })
}

/** What the trace shows of a header: JWTs and tokens shortened, so a line stays readable. */
const short = (value: string | null) =>
  value === null
    ? undefined
    : value.replace(/[A-Za-z0-9_-]{24,}(\.[A-Za-z0-9_-]{8,})*/g, (m) => `${m.slice(0, 10)}…`)
const names = (cookies: readonly string[]) =>
  cookies.map((c) => `${c.split('=')[0]}${/Max-Age=0(;|$)/i.test(c) ? ' (expired)' : ''}`)

async function traced(request: Request): Promise<Response> {
  const response = await handler(request)
  const sent = request.headers.get('cookie')
  const line = {
    request: `${request.method} ${new URL(request.url).pathname}`,
    // The check's second context (a copy of the cookies, no DBSC session) says so in a header.
    from: request.headers.get('x-test-client') ?? 'device',
    cookies: sent ? sent.split(/;\s*/).map((c) => c.split('=')[0]) : [],
    'sec-secure-session-id': request.headers.get('sec-secure-session-id') ?? undefined,
    'secure-session-response': short(request.headers.get('secure-session-response')),
    'secure-session-skipped': request.headers.get('secure-session-skipped') ?? undefined,
    status: response.status,
    'secure-session-registration': short(response.headers.get('secure-session-registration')),
    'secure-session-challenge': short(response.headers.get('secure-session-challenge')),
    'set-cookie': names(response.headers.getSetCookie()),
  }
  console.log(`trace ${JSON.stringify(line)}`)
  return response
}

serve(
  {
    fetch: traced,
    port: Number(env('PORT')),
    hostname: env('HOST') || '127.0.0.1',
    createServer,
    serverOptions: { cert: readFileSync(env('TLS_CERT')), key: readFileSync(env('TLS_KEY')) },
  },
  (info) => console.log(`listening ${info.port}`),
)
