// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
// What happens when a Server Component writes the session during its render: Next refuses the
// cookie, and save() says where to write instead, with a stable code to branch on.
import { SealedSessionError } from 'sealed-session'
import { currentSession } from '../../lib/session'

export default async function RenderWrite() {
  const session = await currentSession()
  session.set('user', 'written during render')
  try {
    await session.save()
    return <p id="error">none</p>
  } catch (error) {
    if (!(error instanceof SealedSessionError)) throw error
    return (
      <p id="error" data-code={error.code}>
        {error.message}
      </p>
    )
  }
}
