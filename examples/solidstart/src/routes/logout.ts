// src/routes/logout.ts
import type { APIEvent } from '@solidjs/start/server'

export function POST({ nativeEvent: { context } }: APIEvent) {
  context.session.destroy()
  return new Response(null, { status: 303, headers: { location: '/' } })
}
