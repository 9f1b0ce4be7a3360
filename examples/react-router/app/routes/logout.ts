// app/routes/logout.ts
import { redirect } from 'react-router'
import { commitHeaders, getSession } from '../sessions.server'
import type { Route } from './+types/logout'

export async function action({ request }: Route.ActionArgs) {
  const session = await getSession(request.headers.get('Cookie'))
  // Expires our cookie and any old one the request carried: one string could hold only the first.
  session.sealed.destroy()
  return redirect('/', { status: 303, headers: await commitHeaders(session) })
}
