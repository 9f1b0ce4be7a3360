// What the library tells the app, and when: a bad cookie's reason to the `onInvalid` hook (never
// logged by default), and one warning per process for a setup that silently cannot work.

import type { SessionConfig } from './options.ts'
import type { InvalidReason } from './result.ts'

let warned = false

/** @internal TEST ONLY: the next plain-http case warns again. */
export function resetWarningsForTests(): void {
  warned = false
}
const LOCAL = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/

/**
 * @internal
 * A `Secure` cookie sent over plain `http:` to a host other than localhost is dropped by the
 * browser, and the session silently never sticks (a LAN address, Docker, a VM). Said once per
 * process, so no client can make it log per request; never downgraded: behind a TLS-terminating
 * proxy the request URL is `http:` too.
 */
export function warnPlainHttp(request: Request): void {
  if (warned) return
  const { url } = request
  if (!url.startsWith('http:')) return
  // The host first: in development (localhost) every write comes here, and each Headers call
  // crosses into the runtime (bench: requests on workerd, a changed session).
  const host = url.slice(7, url.indexOf('/', 7)) // a Request's URL always has a path
  if (LOCAL.test(host)) return
  // Behind a TLS-terminating proxy the URL is http: but the browser spoke https.
  const forwarded = `${request.headers.get('x-forwarded-proto')} ${request.headers.get('forwarded')}`
  if (/https/i.test(forwarded)) return
  warned = true
  console.warn(
    `sealed-session: a Secure cookie sent over plain http:// to ${host.slice(0, 64)} is dropped by browsers: sessions will not stick. Serve HTTPS, or set cookie: { secure: false } in development only (said once)`,
  )
}

/**
 * @internal
 * Calls the `onInvalid` hook without waiting for it. Neither a throw nor a rejected promise may
 * turn a bad cookie into a failed request, or reach the process as an unhandled rejection.
 */
export function report(
  hook: NonNullable<SessionConfig['onInvalid']>,
  reason: InvalidReason,
  request: Request | undefined,
): void {
  try {
    const result = hook(reason, request)
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      ;(result as PromiseLike<unknown>).then(undefined, ignore)
    }
  } catch {
    // Ignored: see above.
  }
}

function ignore(): void {}
