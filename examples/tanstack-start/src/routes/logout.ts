// src/routes/logout.ts
import { createFileRoute } from '@tanstack/react-router'

export const Route = createFileRoute('/logout')({
  server: {
    handlers: {
      POST: ({ context: { session } }) => {
        session.destroy()
        return new Response(null, { status: 303, headers: { location: '/' } })
      },
    },
  },
})
