// proxy.ts: the page counts visits and shows a flash message once: both are writes, and Next
// refuses cookie writes while a Server Component renders. The proxy runs before that render and
// may write, so the visit is counted here; the cookies it sets are what `cookies()` returns in
// the page's render, which therefore shows the count just stored. The flash message, taken out
// of the session here, reaches the page as a request header.
import { type NextRequest, NextResponse } from 'next/server'
import { getSession, proxyCookies } from 'sealed-session/next'
import { type Data, FLASH_HEADER, type Flash, sessionOptions } from './lib/session'

export async function proxy(request: NextRequest): Promise<NextResponse> {
  // A Server Action posts to the page's URL: it is the action's write, not a visit.
  if (request.method !== 'GET') return NextResponse.next()
  // When a Server Action redirects, Next renders the target itself, through this proxy, but drops
  // the cookies the proxy sets on that render: the visit would be shown and never stored. Such a
  // render carries the action's `x-action-redirect` header; answered with no page, it makes the
  // browser load the target itself, a visit like any other.
  if (request.headers.has('x-action-redirect')) return new NextResponse(null, { status: 204 })
  let response = NextResponse.next()
  // The response is made again below, once the flash message is known: write to the last one.
  // Through its headers, save() also makes a response carrying the cookie Cache-Control: private.
  const cookies = proxyCookies(request, {
    cookies: { set: (...cookie) => response.cookies.set(...cookie) },
    get headers() {
      return response.headers
    },
  })
  const session = await getSession<Data, Flash>(cookies, sessionOptions())
  const headers = new Headers(request.headers)
  const notice = session.flash('notice')
  // Never the client's own header: only a message this proxy took out of the session.
  if (notice === undefined) headers.delete(FLASH_HEADER)
  else headers.set(FLASH_HEADER, encodeURIComponent(notice))
  response = NextResponse.next({ request: { headers } })
  session.set('count', (session.get('count') ?? 0) + 1)
  await session.save()
  return response
}

export const config = { matcher: '/' }
