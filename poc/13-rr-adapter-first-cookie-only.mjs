// sealed-session/react-router's createCookieSessionStorage returns only the FIRST Set-Cookie of a
// commit, yet accepts `legacy` and `deviceBinding`. Migrating with it never deletes the old
// cookie (its deletion is the second line), so after destroySession() the old React Router
// cookie, still in the browser, opens the session again: logout does not stick.

import { deviceBound } from 'sealed-session/device-bound'
import { reactRouter } from 'sealed-session/legacy/react-router'
import { createCookieSessionStorage } from 'sealed-session/react-router'
import { SECRET, verdict } from './common.mjs'

const OLD = 'old-react-router-secret'
const storage = createCookieSessionStorage({
  secret: SECRET,
  legacy: [reactRouter({ name: '__session', secrets: [OLD] })],
})
// The browser's React Router cookie: encodeURIComponent(btoa(JSON) + '.' + b64 HMAC-SHA-256)
const data = btoa(JSON.stringify({ user: 'ada' }))
const key = await crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(OLD),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
)
const mac = btoa(
  String.fromCharCode(
    ...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data))),
  ),
).replace(/=+$/, '')
const jar = new Map([['__session', encodeURIComponent(`${data}.${mac}`)]])
const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
const apply = (line) => {
  if (!line) return
  const [pair] = line.split(';')
  const i = pair.indexOf('=')
  if (/Max-Age=0/.test(line)) jar.delete(pair.slice(0, i))
  else jar.set(pair.slice(0, i), pair.slice(i + 1))
}

let s = await storage.getSession(header()) // migration: the app touches the session
s.set('seen', 1)
apply(await storage.commitSession(s))
s = await storage.getSession(header()) // logout
apply(await storage.destroySession(s))
s = await storage.getSession(header()) // next request
verdict(
  s.get('user') === 'ada',
  'react-router adapter: logout does not stick after a migration (old cookie never deleted)',
  `after destroySession the browser still holds ${[...jar.keys()].join(', ')}; user = ${JSON.stringify(s.get('user'))}`,
)

const binding = deviceBound()
const dbsc = createCookieSessionStorage({ secret: SECRET, deviceBinding: binding })
const login = await dbsc.getSession(null)
login.set('user', 'ada')
binding.bind(login.sealed)
const line = await dbsc.commitSession(login)
verdict(
  true,
  'react-router adapter accepts deviceBinding but can return no Secure-Session-Registration header (commitSession returns one string)',
  `commitSession -> ${JSON.stringify(line.slice(0, 30))}...; nowhere to carry the challenge; setup did not refuse`,
)
