// The demo's checks (not part of the recipe): a route that fails after changing the session.
import { createFileRoute } from '@tanstack/react-router'

export const Route = createFileRoute('/fail')({
  server: {
    handlers: {
      GET: ({ context: { session } }) => {
        session.set('count', -1)
        throw new Error('the route failed after changing the session')
      },
    },
  },
})
