// The demo's checks (not part of the recipe): the session as JSON.
import { createFileRoute } from '@tanstack/react-router'

export const Route = createFileRoute('/session')({
  server: {
    handlers: {
      GET: ({ context: { session } }) =>
        Response.json({
          id: session.id,
          isNew: session.isNew,
          createdAt: new Date(session.createdAt).toISOString(),
          expiresAt: new Date(session.expiresAt).toISOString(),
          data: session.data,
        }),
    },
  },
})
