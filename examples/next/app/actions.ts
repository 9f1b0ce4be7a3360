// app/actions.ts: Server Actions, where the page's forms write the session. `save()` turns it into
// `cookies().set(...)`, which Next sends with the action's response.
'use server'
import { redirect } from 'next/navigation'
import { currentSession } from '../lib/session'

export async function login(form: FormData): Promise<void> {
  const session = await currentSession()
  const name = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  await session.save()
  redirect('/')
}

export async function logout(): Promise<void> {
  const session = await currentSession()
  session.destroy()
  await session.save()
  redirect('/')
}
