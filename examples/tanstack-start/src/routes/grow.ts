// The demo's checks (not part of the recipe): a session that outgrows its cookie.
import { createFileRoute } from '@tanstack/react-router'
import { CookieTooLargeError } from 'sealed-session'

export const Route = createFileRoute('/grow')({
  server: {
    handlers: {
      GET: async ({ request, context: { session } }) => {
        const bytes = Math.min(Number(new URL(request.url).searchParams.get('bytes')) || 0, 1 << 20)
        session.set('user', 'x'.repeat(bytes))
        try {
          await session.save() // seals now, so that a session too large for its cookie can be answered
        } catch (error) {
          if (!(error instanceof CookieTooLargeError)) throw error
          // Nothing is written for this request: the browser keeps its previous, valid cookie.
          return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
        }
        return Response.json({ stored: bytes })
      },
    },
  },
})
