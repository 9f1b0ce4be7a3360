// app/routes/login.ts: the login form's action.
import { redirect } from 'react-router'
import { commitHeaders, getSession } from '../sessions.server'
import type { Route } from './+types/login'

export async function action({ request }: Route.ActionArgs) {
  const session = await getSession(request.headers.get('Cookie'))
  const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  session.sealed.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  return redirect('/', { status: 303, headers: await commitHeaders(session) })
}
