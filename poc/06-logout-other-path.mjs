// SECURITY-CASES "Logout sticks": after destroy() no cookie the browser still holds (ours,
// chunks, an old library's on any path or domain) can bring the session back. destroy() expires
// only the configured Path/Domain; a copy the browser holds under another path (an old mount
// point, a changed config, the old library's default path) survives the logout and reopens it.
import { withSession } from 'sealed-session'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { req, SECRET, verdict } from './common.mjs'

const KEY = 'old-cookie-session-key'
async function keygrip(data) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(KEY),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)))
  return btoa(String.fromCharCode(...mac))
    .replace(/\//g, '_')
    .replace(/\+/g, '-')
    .replace(/=/g, '')
}
const value = btoa(JSON.stringify({ user: 'ada' }))
const sig = await keygrip(`legacy=${value}`)
// A minimal browser jar: cookies keyed by name+path; sent most specific path first (RFC 6265 5.4).
const jar = new Map([
  ['legacy|/app', value],
  ['legacy.sig|/app', sig], // set when the old app was mounted at /app
  ['legacy|/', value],
  ['legacy.sig|/', sig],
])
const header = (path) =>
  [...jar]
    .filter(([k]) => path.startsWith(k.split('|')[1]))
    .sort((a, b) => b[0].split('|')[1].length - a[0].split('|')[1].length)
    .map(([k, v]) => `${k.split('|')[0]}=${v}`)
    .join('; ')
function store(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split('; ')
    const [name, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
    const path = attrs.find((a) => a.startsWith('Path='))?.slice(5) ?? '/'
    if (/Max-Age=0/.test(line)) jar.delete(`${name}|${path}`)
    else jar.set(`${name}|${path}`, v)
  }
}
let who
const app = withSession(
  (request, session) => {
    who = session.get('user') ?? null
    if (new URL(request.url).pathname.endsWith('/logout')) session.destroy()
    return new Response('')
  },
  { secret: SECRET, legacy: [cookieSession({ name: 'legacy', keys: [KEY] })] },
)

store(await app(req('/app/logout', header('/app/logout'))))
const before = who
store(await app(req('/app/home', header('/app/home'))))
verdict(
  before === 'ada' && who === 'ada',
  'old library cookie under another path brings the session back after logout',
  `logout saw ${before}; next request to /app/home: user = ${JSON.stringify(who)}; jar keeps ${[...jar.keys()].join(', ')}`,
)
