// src/routes/login.ts: an API route; the form posts here.
import type { APIEvent } from '@solidjs/start/server'

export async function POST({ request, nativeEvent: { context } }: APIEvent) {
  const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  context.session.regenerate() // a fresh id on privilege change; the visit count carries over
  context.session.set('user', name)
  context.session.flash('notice', `Welcome, ${name}!`)
  return new Response(null, { status: 303, headers: { location: '/' } })
}
