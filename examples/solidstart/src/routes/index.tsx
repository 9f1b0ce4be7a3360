// src/routes/index.tsx: the page's data comes from a server function, which reads and writes
// the session through the request's h3 event.
import { createAsync, query } from '@solidjs/router'
import { Show } from 'solid-js'
import { getRequestEvent } from 'solid-js/web'

const visit = query(async () => {
  'use server'
  const { session } = (getRequestEvent() as NonNullable<ReturnType<typeof getRequestEvent>>).nativeEvent
    .context
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  return { count, user: session.get('user'), notice: session.flash('notice'), sid: session.id }
}, 'visit')

export default function Home() {
  const page = createAsync(() => visit())
  return (
    <Show when={page()}>
      {(p) => (
        <main>
          <h1>sealed-session demo</h1>
          <Show when={p().notice}>
            <p id="flash" role="status">
              {p().notice}
            </p>
          </Show>
          <p>
            Visits in this session: <strong id="count">{p().count}</strong>
          </p>
          <p>
            Signed in as: <strong id="user">{p().user ?? 'nobody'}</strong>
          </p>
          <Show
            when={p().user}
            fallback={
              <form method="post" action="/login">
                <input name="user" id="name" value="ada" aria-label="user name" />{' '}
                <button id="login" type="submit">
                  Log in
                </button>
              </form>
            }
          >
            <form method="post" action="/logout">
              <button id="logout" type="submit">
                Log out
              </button>
            </form>
          </Show>
          <p>
            Session id: <code id="sid">{p().sid}</code>
          </p>
        </main>
      )}
    </Show>
  )
}
