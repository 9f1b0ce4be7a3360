// app/page.tsx: a Server Component, so it only reads the session (the proxy counted this visit
// before it renders, and took the flash message). Its forms are Server Actions (./actions.ts).
import { headers } from 'next/headers'
import { currentSession, FLASH_HEADER } from '../lib/session'
import { login, logout } from './actions'

export default async function Home() {
  const session = await currentSession()
  const flash = (await headers()).get(FLASH_HEADER)
  const user = session.get('user')
  return (
    <>
      <h1>sealed-session demo</h1>
      {flash ? (
        <p id="flash" role="status">
          {decodeURIComponent(flash)}
        </p>
      ) : null}
      <p>
        Visits in this session: <strong id="count">{session.get('count') ?? 0}</strong>
      </p>
      <p>
        Signed in as: <strong id="user">{user ?? 'nobody'}</strong>
      </p>
      {user ? (
        <form action={logout}>
          <button id="logout" type="submit">
            Log out
          </button>
        </form>
      ) : (
        <form action={login}>
          <input name="user" id="name" defaultValue="ada" aria-label="user name" />{' '}
          <button id="login" type="submit">
            Log in
          </button>
        </form>
      )}
      <p>
        Session id: <code id="sid">{session.id}</code>
      </p>
    </>
  )
}
