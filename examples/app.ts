// The demo app, one plain Fetch handler shared by every runtime's example: a visit counter,
// login/logout with regenerate(), "bind this session to my device" at login (DBSC), a flash
// message, the decoded session, and a route that tries to outgrow the 4 KB cookie limit.
import {
  type CookieOptions,
  CookieTooLargeError,
  type Session,
  type SessionOptions,
  withSession,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { type DeviceBinding, deviceBound } from 'sealed-session/device-bound'
import type { Revocation } from 'sealed-session/revocation'

export interface DemoSession {
  count: number
  user: string
  note: string
}

/** Flash messages, typed like the data. */
export interface DemoFlash {
  notice: string
}

export interface DemoConfig {
  secret: string | string[]
  /** Absolute lifetime in seconds (short values let tests watch a session expire). */
  maxAge?: number
  cookie?: CookieOptions
  /** Let the session span several cookies (`/grow?bytes=10000` fits with 4). Off by default. */
  chunks?: boolean | number
  /** Deflate the session before sealing. Off by default. */
  compress?: boolean
  /** Seconds of clock drift allowed between servers (one server: 0). Default 60. */
  clockSkew?: number
  /**
   * `revocation({ store, subject })` from sealed-session/revocation, subject `user`: enables
   * `POST /logout-everywhere`. The Workers and Deno examples pass one (KV, a Durable Object, Deno KV).
   */
  revocation?: Revocation<DemoSession>
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(session: Session<DemoSession, DemoFlash>, notice: string | undefined): Response {
  const user = session.get('user')
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo</title>
<style>body{font:16px system-ui;max-width:40rem;margin:2rem auto}pre{background:#f4f4f4;padding:1rem}</style></head>
<body>
<h1>sealed-session demo</h1>
${notice ? `<p id="flash" role="status">${escapeHtml(notice)}</p>` : ''}
<p>Visits in this session: <strong id="count">${session.get('count') ?? 0}</strong></p>
<p>Signed in as: <strong id="user">${user ? escapeHtml(user) : 'nobody'}</strong></p>
${
  user
    ? '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
    : `<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button>
<label><input type="checkbox" name="bind" id="bind"> Bind this session to my device</label></form>
<p><small>Device binding (DBSC: Chrome 145+, over HTTPS) keeps a key on this device; a copy of the
cookies stops working anywhere else within ten minutes. Other browsers carry on unbound.</small></p>`
}
<p><a href="/session">Decoded session (JSON)</a> · <a href="/">Reload</a></p>
<p>Session id: <code id="sid">${session.id}</code></p>
</body></html>`
  return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } })
}

const redirect = (to = '/') => new Response(null, { status: 303, headers: { location: to } })

async function route(
  request: Request,
  session: Session<DemoSession, DemoFlash>,
  revoker: Revocation<DemoSession> | undefined,
  binding: DeviceBinding,
): Promise<Response> {
  const { pathname, searchParams } = new URL(request.url)
  if (request.method === 'POST' && pathname === '/logout-everywhere' && revoker) {
    // Every session of this user issued until now, on every server, this one included.
    const user = session.get('user')
    if (user !== undefined) await revoker.revokeSubject(user)
    session.destroy()
    return redirect()
  }
  if (request.method === 'POST' && pathname === '/login') {
    const form = await request.formData()
    const name = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
    session.regenerate() // a fresh id on privilege change; the visit count carries over
    session.set('user', name)
    session.flash('notice', `Welcome, ${name}!`)
    // This response asks a DBSC browser to register a key; the library serves the endpoints.
    if (form.get('bind') === 'on') binding.bind(session)
    return redirect()
  }
  if (request.method === 'POST' && pathname === '/logout') {
    session.destroy()
    return redirect()
  }
  if (pathname === '/session') {
    return Response.json({
      id: session.id,
      isNew: session.isNew,
      createdAt: new Date(session.createdAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      data: session.data,
    })
  }
  if (pathname === '/grow') {
    // Store `bytes` characters; past the cookie limit the write fails and the old session stays.
    const bytes = Math.min(Number(searchParams.get('bytes') ?? 0) || 0, 1 << 20)
    session.set('note', 'x'.repeat(bytes))
    try {
      await session.save()
    } catch (error) {
      if (error instanceof CookieTooLargeError) {
        // Nothing is written for this request: the browser keeps its previous, valid cookie.
        return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
      }
      throw error
    }
    return Response.json({ stored: bytes })
  }
  if (pathname === '/') {
    session.set('count', (session.get('count') ?? 0) + 1)
    return page(session, session.flash('notice'))
  }
  return new Response('Not found', { status: 404 })
}

/** Builds the demo's fetch handler. Extra runtime arguments (env, ctx, info, server) pass through. */
export function createApp(config: DemoConfig): (request: Request, ...rest: unknown[]) => Promise<Response> {
  const options: SessionOptions = { secret: config.secret, cookie: config.cookie ?? {} }
  // Opt-in features are imports: an app that never turns them on ships none of their code.
  const { chunks, compress } = config
  if (chunks !== undefined && chunks !== false)
    options.chunks = chunks === true ? chunking() : chunking(chunks)
  if (compress) options.compress = compression()
  if (config.maxAge !== undefined) options.maxAge = config.maxAge
  if (config.maxAge !== undefined) options.idleTimeout = config.maxAge
  if (config.clockSkew !== undefined) options.clockSkew = config.clockSkew
  const { revocation } = config
  if (revocation) options.revocation = revocation
  // Offered at login; its endpoints (/__session/dbsc/register, /__session/dbsc/refresh) are
  // answered by withSession before the app.
  const binding = deviceBound()
  options.deviceBinding = binding
  return withSession(
    (request, session: Session<DemoSession, DemoFlash>) => route(request, session, revocation, binding),
    options,
  )
}

/**
 * The demo's configuration from environment variables, the same on every runtime:
 *   SESSION_SECRET   at least 32 bytes; without it a random development secret is generated
 *   SESSION_MAX_AGE  absolute lifetime in seconds (optional; short values let tests watch expiry)
 *   SESSION_COOKIE   cookie name (default "session"; try "__Host-session")
 *   SESSION_CHUNKS   most cookies one session may span, or "true" for 3 (optional; off by default)
 *   SESSION_COMPRESS "true" or "1" to deflate sessions before sealing (optional; off by default)
 *   SESSION_CLOCK_SKEW seconds of clock drift allowed between servers (optional; default 60)
 */
export function configFromEnv(get: (name: string) => string | undefined, log = console.log): DemoConfig {
  let secret = get('SESSION_SECRET')
  if (!secret) {
    secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    log('No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).')
  }
  const maxAge = get('SESSION_MAX_AGE')
  const name = get('SESSION_COOKIE')
  const chunks = get('SESSION_CHUNKS')
  const compress = get('SESSION_COMPRESS')
  const skew = get('SESSION_CLOCK_SKEW')
  return {
    ...(skew ? { clockSkew: Number(skew) } : {}),
    secret,
    ...(maxAge ? { maxAge: Number(maxAge) } : {}),
    ...(name ? { cookie: { name } } : {}),
    // A bad value reaches the library as is, which refuses it at setup with ERR_OPTION_INVALID.
    ...(chunks ? { chunks: chunks === 'true' ? true : chunks === 'false' ? false : Number(chunks) } : {}),
    ...(compress ? { compress: compress === 'true' || compress === '1' } : {}),
  }
}
