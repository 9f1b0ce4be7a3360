// The demo's checks (not part of the recipe): the session as JSON.
import type { APIEvent } from '@solidjs/start/server'

export function GET({ nativeEvent: { context } }: APIEvent) {
  const { session } = context
  return Response.json({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  })
}
