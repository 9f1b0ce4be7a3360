// src/routes/login.ts: a server route; the form posts here.
import { createFileRoute } from '@tanstack/react-router'

export const Route = createFileRoute('/login')({
  server: {
    handlers: {
      POST: async ({ request, context: { session } }) => {
        const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
        session.regenerate() // a fresh id on privilege change; the visit count carries over
        session.set('user', name)
        session.flash('notice', `Welcome, ${name}!`)
        return new Response(null, { status: 303, headers: { location: '/' } })
      },
    },
  },
})
