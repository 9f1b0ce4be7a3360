// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
// Route Handlers: the demo's plain HTML form posts (no JavaScript), answering 303 to the page.
import { currentSession } from '../../lib/session'

export async function POST(request: Request): Promise<Response> {
  const form = await request.formData()
  const name = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
  const session = await currentSession()
  session.regenerate()
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  await session.save() // cookies().set(...): Next adds them to this response
  return new Response(null, { status: 303, headers: { location: '/' } })
}
