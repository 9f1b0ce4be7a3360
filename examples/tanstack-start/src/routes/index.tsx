// src/routes/index.tsx: the page counts the visit and takes the flash message in a server
// function, which runs behind the middleware (context.session) and can write.
import { createFileRoute } from '@tanstack/react-router'
import { createServerFn } from '@tanstack/react-start'

const visit = createServerFn().handler(({ context: { session } }) => {
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  return { count, user: session.get('user'), notice: session.flash('notice'), sid: session.id }
})

export const Route = createFileRoute('/')({
  loader: () => visit(),
  component: Home,
})

function Home() {
  const { count, user, notice, sid } = Route.useLoaderData()
  return (
    <main>
      <h1>sealed-session demo</h1>
      {notice ? (
        <p id="flash" role="status">
          {notice}
        </p>
      ) : null}
      <p>
        Visits in this session: <strong id="count">{count}</strong>
      </p>
      <p>
        Signed in as: <strong id="user">{user ?? 'nobody'}</strong>
      </p>
      {user ? (
        <form method="post" action="/logout">
          <button id="logout" type="submit">
            Log out
          </button>
        </form>
      ) : (
        <form method="post" action="/login">
          <input name="user" id="name" defaultValue="ada" aria-label="user name" />{' '}
          <button id="login" type="submit">
            Log in
          </button>
        </form>
      )}
      <p>
        Session id: <code id="sid">{sid}</code>
      </p>
    </main>
  )
}
