// The demo's checks (not part of the recipe): a session that outgrows its cookie.
import type { APIEvent } from '@solidjs/start/server'
import { CookieTooLargeError } from 'sealed-session'

export async function GET({ request, nativeEvent: { context } }: APIEvent) {
  const bytes = Math.min(Number(new URL(request.url).searchParams.get('bytes')) || 0, 1 << 20)
  context.session.set('user', 'x'.repeat(bytes))
  try {
    await context.session.save()
  } catch (error) {
    if (!(error instanceof CookieTooLargeError)) throw error
    // Nothing is written for this request: the browser keeps its previous, valid cookie.
    return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
  }
  return Response.json({ stored: bytes })
}
