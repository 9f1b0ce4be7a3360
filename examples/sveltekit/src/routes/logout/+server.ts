import { redirect } from '@sveltejs/kit'
import type { RequestHandler } from './$types'

// An endpoint, not a form action: those answer 415 to a post without a form body.
export const POST: RequestHandler = ({ locals: { session } }) => {
  session.destroy()
  redirect(303, '/')
}
