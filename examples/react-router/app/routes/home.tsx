// app/routes/home.tsx: the loader counts the visit, reads the flash message (once) and answers
// with every header the session needs.
import { data, Form } from 'react-router'
import { commitHeaders, getSession } from '../sessions.server'
import type { Route } from './+types/home'

export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request.headers.get('Cookie'))
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  const notice = session.get('notice') // a flash message: gone once read
  // Every Set-Cookie line (an old cookie's deletion too) and Cache-Control: private.
  const headers = await commitHeaders(session)
  return data({ count, notice, user: session.get('user'), id: session.id }, { headers })
}

// Document requests take their headers from here: the loader's, Set-Cookie and Cache-Control.
export const headers: Route.HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export default function Home({ loaderData: { count, notice, user, id } }: Route.ComponentProps) {
  return (
    <>
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
        <Form method="post" action="/logout">
          <button id="logout" type="submit">
            Log out
          </button>
        </Form>
      ) : (
        <Form method="post" action="/login">
          <input name="user" id="name" defaultValue="ada" aria-label="user name" />{' '}
          <button id="login" type="submit">
            Log in
          </button>
        </Form>
      )}
      <p>
        Session id: <code id="sid">{id}</code>
      </p>
    </>
  )
}
