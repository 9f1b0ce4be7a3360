// src/pages/logout.ts
import type { APIRoute } from 'astro'

export const POST: APIRoute = ({ locals, redirect }) => {
  locals.sealedSession.destroy()
  return redirect('/', 303)
}
