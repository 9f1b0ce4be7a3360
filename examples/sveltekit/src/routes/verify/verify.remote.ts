// The demo's checks (test/frameworks.mjs), not part of the recipe: the second factor of
// +page.server.ts as a remote command. A wrong code throws error(401), which SvelteKit answers
// in a 200 ({"type":"error"}): nothing of it is written.
import { error } from '@sveltejs/kit'
import { command, getRequestEvent } from '$app/server'
import { CODE } from './code'

export const verifyCode = command('unchecked', ({ user, code }: { user: string; code: string }) => {
  const { session } = getRequestEvent().locals
  session.regenerate()
  session.set('user', user.slice(0, 64) || 'anonymous')
  if (code !== CODE) error(401, 'wrong code')
  return { user: session.get('user') }
})
