// The demo's checks (not part of the recipe): a session that outgrows its cookie.
import { CookieTooLargeError } from 'sealed-session'

export default defineEventHandler(async (event) => {
  const bytes = Math.min(Number(getQuery(event).bytes) || 0, 1 << 20)
  event.context.session.set('user', 'x'.repeat(bytes))
  try {
    await event.context.session.save()
  } catch (error) {
    if (!(error instanceof CookieTooLargeError)) throw error
    // Nothing is written for this request: the browser keeps its previous, valid cookie.
    setResponseStatus(event, 413)
    return { error: error.code, size: error.size, limit: error.limit }
  }
  return { stored: bytes }
})
