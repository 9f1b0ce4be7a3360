// Type tests for the h3 and Elysia adapters: checked by `tsc` (npm run check), never run. Each
// `@ts-expect-error` is a line that must NOT compile.
import { Elysia } from 'elysia'
import { H3 } from 'h3'
import type { Session } from 'sealed-session'
import { session as elysiaSession } from 'sealed-session/elysia'
import { session as h3Session } from 'sealed-session/h3'

const secret = 'type-test-secret-0123456789-abcdefghijklmnop'

// --- Elysia: the plugin's data type reaches every later handler's context ---------------------
export const elysiaApp = new Elysia()
  .use(elysiaSession<{ user: string; visits: number }>({ secret }))
  .use(
    elysiaSession<{ theme: string }, Record<string, unknown>, 'prefs'>(
      { secret, cookie: { name: 'prefs' } },
      { key: 'prefs' },
    ),
  )
  .get('/', ({ session, prefs }) => {
    const user: string | undefined = session.get('user')
    session.set('visits', 1)
    // @ts-expect-error a key the data does not declare
    session.get('nope')
    // @ts-expect-error a value of the wrong type
    session.set('user', 42)
    return `${user} ${prefs.get('theme')}`
  })

// --- h3: typed through h3's H3EventContext, as an app declares it ----------------------------
declare module 'h3' {
  interface H3EventContext {
    typedSession?: Session<{ user: string }>
  }
}
export const h3App = new H3().use(h3Session({ secret }, { key: 'typedSession' }))
h3App.get('/', (event) => {
  const user: string | undefined = event.context.typedSession?.get('user')
  // @ts-expect-error a value of the wrong type
  event.context.typedSession?.set('user', 42)
  return { user }
})
