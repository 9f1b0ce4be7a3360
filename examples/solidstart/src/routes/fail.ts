// The demo's checks (not part of the recipe): a route that fails after changing the session.
import type { APIEvent } from '@solidjs/start/server'

export function GET({ nativeEvent: { context } }: APIEvent): Response {
  context.session.set('count', -1)
  throw new Error('the route failed after changing the session')
}
