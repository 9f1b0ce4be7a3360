// src/routes/logout/+server.ts: an endpoint rather than a form action, so that a post with no form
// body logs out too (a form action answers it 415).
import { redirect } from '@sveltejs/kit'
import type { RequestHandler } from './$types'

export const POST: RequestHandler = ({ locals: { session } }) => {
  session.destroy()
  redirect(303, '/')
}
