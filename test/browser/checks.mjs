// What the browser suite checks against a running demo: each check gets a fresh browser context
// (its own cookie jar) and talks to the demo the way a user or a page script would. Cookie
// attributes are read back from Chromium's jar with `context.cookies()`.
import assert from 'node:assert/strict'

const DAY = 24 * 60 * 60

/** Loads `url` as a top-level navigation and reads the counter page. */
async function visit(page, url) {
  const response = await page.goto(url)
  assert.equal(response?.status(), 200, `GET ${url}`)
  return read(page)
}

/** The counter page currently shown. */
async function read(page) {
  const flash = page.locator('#flash')
  return {
    count: Number(await page.textContent('#count')),
    user: await page.textContent('#user'),
    sid: await page.textContent('#sid'),
    flash: (await flash.count()) > 0 ? await flash.textContent() : undefined,
  }
}

/** `fetch()` from inside the page, so Chromium's own network stack and cookie jar are used. */
function inPage(page, path, init = {}) {
  return page.evaluate(
    async ([p, i]) => {
      const res = await fetch(p, i)
      return { status: res.status, type: res.type, text: await res.text() }
    },
    [path, init],
  )
}

async function sessionJson(page) {
  const res = await inPage(page, '/session')
  assert.equal(res.status, 200, 'GET /session')
  return JSON.parse(res.text)
}

/** The cookies called `name` in the context's jar. */
async function jar(context, name) {
  return (await context.cookies()).filter((c) => c.name === name)
}

async function theCookie(context, name) {
  const found = await jar(context, name)
  assert.equal(found.length, 1, `exactly one ${name} cookie in the jar, found ${found.length}`)
  return found[0]
}

/** Logs in through the form, as a user would, and returns the page it lands on. */
async function login(page, user) {
  await page.fill('#name', user)
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('#login')])
  return read(page)
}

/** Largest `/grow?bytes=N` the server accepts, by bisection (the cookie grows about 4/3 per byte). */
async function largestFit(page) {
  let lo = 0
  let hi = 4096
  for (let round = 0; round < 16 && hi - lo > 1; round++) {
    const mid = (lo + hi) >> 1
    const res = await inPage(page, `/grow?bytes=${mid}`)
    assert.ok(res.status === 200 || res.status === 413, `/grow?bytes=${mid} answered ${res.status}`)
    if (res.status === 200) lo = mid
    else hi = mid
  }
  return lo
}

/**
 * The checks, in order. Each is `[name, server, fn]`: `server` picks the demo instance (`main`,
 * `short` with a 2 s lifetime, `host` with a `__Host-` cookie name); `fn` receives
 * `{ context, page, url, cookie, origins, browser }`.
 */
export const checks = [
  [
    'counter survives link navigation and reload, same session id',
    'main',
    async ({ page, url }) => {
      const first = await visit(page, url)
      assert.equal(first.count, 1)
      await Promise.all([page.waitForURL(url), page.click('a[href="/"]')])
      const linked = await read(page)
      assert.deepEqual([linked.count, linked.sid], [2, first.sid])
      await page.reload()
      const reloaded = await read(page)
      assert.deepEqual([reloaded.count, reloaded.sid], [3, first.sid])
      const json = await sessionJson(page)
      assert.deepEqual([json.isNew, json.id, json.data.count], [false, first.sid, 3])
    },
  ],
  [
    'a second browser context has its own session',
    'main',
    async ({ browser, page, url }) => {
      await visit(page, url)
      const a = await visit(page, url)
      const other = await browser.newContext()
      try {
        const b = await visit(await other.newPage(), url)
        assert.equal(b.count, 1)
        assert.notEqual(b.sid, a.sid)
      } finally {
        await other.close()
      }
      const again = await visit(page, url)
      assert.deepEqual([again.count, again.sid], [a.count + 1, a.sid])
    },
  ],
  [
    'login regenerates the session id, keeps the data, replaces the cookie',
    'main',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const before = await visit(page, url)
      assert.deepEqual([before.count, before.user], [2, 'nobody'])
      const oldValue = (await theCookie(context, cookie)).value
      const after = await login(page, 'grace')
      assert.equal(after.user, 'grace')
      assert.notEqual(after.sid, before.sid, 'session id changes on login')
      assert.equal(after.count, 3, 'the visit count carries over')
      assert.notEqual((await theCookie(context, cookie)).value, oldValue)
      const json = await sessionJson(page)
      assert.deepEqual([json.id, json.data.user, json.data.count], [after.sid, 'grace', 3])
    },
  ],
  [
    'a flash message shows exactly once',
    'main',
    async ({ page, url }) => {
      assert.equal((await visit(page, url)).flash, undefined)
      assert.equal((await login(page, 'ada')).flash, 'Welcome, ada!')
      await page.reload()
      const next = await read(page)
      assert.deepEqual([next.flash, next.user], [undefined, 'ada'])
      assert.equal((await visit(page, url)).flash, undefined)
      assert.equal((await sessionJson(page)).data.notice, undefined)
    },
  ],
  [
    'logout removes the cookie from the jar; the next visit starts a new session',
    'main',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const inSession = await login(page, 'ada')
      // Stop at the logout response itself (the 303 leads to `/`, which starts a new session).
      const res = await inPage(page, '/logout', { method: 'POST', redirect: 'manual' })
      assert.equal(res.type, 'opaqueredirect')
      assert.deepEqual(await jar(context, cookie), [], 'no session cookie left after logout')
      const fresh = await visit(page, url)
      assert.deepEqual([fresh.count, fresh.user], [1, 'nobody'])
      assert.notEqual(fresh.sid, inSession.sid)
      // The same through the form.
      const again = await login(page, 'ada')
      await Promise.all([page.waitForURL(url), page.click('#logout')])
      const out = await read(page)
      assert.deepEqual([out.count, out.user], [1, 'nobody'])
      assert.notEqual(out.sid, again.sid)
    },
  ],
  [
    'cookie attributes as stored: HttpOnly, Secure, SameSite=Lax, Path=/, host-only, expiry',
    'main',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const c = await theCookie(context, cookie)
      assert.deepEqual(
        [c.httpOnly, c.secure, c.sameSite, c.path, c.domain],
        [true, true, 'Lax', '/', 'localhost'],
      )
      // Idle timeout (3 days by default) ends this session first; the cookie expires with it.
      const { expiresAt } = await sessionJson(page)
      const expected = Date.parse(expiresAt) / 1000
      assert.ok(Math.abs(c.expires - expected) <= 2, `expires ${c.expires}, session ends ${expected}`)
      assert.ok(Math.abs(c.expires - (Date.now() / 1000 + 3 * DAY)) < 60, 'about 3 days ahead')
      assert.ok(!(await page.evaluate(() => document.cookie)).includes(`${cookie}=`), 'hidden from scripts')
    },
  ],
  [
    'SameSite=Lax: sent on a cross-site top-level GET, withheld from a cross-site POST',
    'main',
    async ({ page, url, origins }) => {
      const { host } = new URL(url)
      const { sid } = await visit(page, url)
      // 127.0.0.1 and localhost are different sites.
      const crossSite = `${origins.other}/session`
      const submit = (method) =>
        page.evaluate(
          ([action, m]) => {
            const form = document.createElement('form')
            form.method = m
            form.action = action
            document.body.append(form)
            form.submit()
          },
          [`${url}session`, method],
        )
      for (const [method, sent] of [
        ['get', true],
        ['post', false],
      ]) {
        await page.goto(crossSite)
        // A GET form adds an empty query (`/session?`).
        await Promise.all([
          page.waitForURL((u) => u.host === host && u.pathname === '/session'),
          submit(method),
        ])
        const json = JSON.parse(await page.textContent('body'))
        assert.equal(!json.isNew, sent, `${method.toUpperCase()} carried the cookie: ${!json.isNew}`)
        if (sent) assert.equal(json.id, sid)
      }
    },
  ],
  [
    'a __Host- cookie is accepted on http://localhost and sent back',
    'host',
    async ({ context, page, url, cookie }) => {
      assert.ok(cookie.startsWith('__Host-'))
      const first = await visit(page, url)
      const c = await theCookie(context, cookie)
      assert.deepEqual([c.secure, c.path, c.domain, c.httpOnly], [true, '/', 'localhost', true])
      const second = await visit(page, url)
      assert.deepEqual([second.count, second.sid], [2, first.sid])
    },
  ],
  [
    'a cookie edited in the jar gives a fresh session, never an error page',
    'main',
    async ({ context, page, url, cookie }) => {
      const { sid } = await visit(page, url)
      await visit(page, url)
      const stored = await theCookie(context, cookie)
      const v = stored.value
      const mid = v.length >> 1
      const edits = {
        'one character changed': v.slice(0, mid) + (v[mid] === 'A' ? 'B' : 'A') + v.slice(mid + 1),
        truncated: v.slice(0, -4),
        garbage: 'e1AAAA.not-a-sealed-token',
      }
      for (const [what, value] of Object.entries(edits)) {
        await context.addCookies([{ ...stored, value }])
        const fresh = await visit(page, url) // visit() asserts status 200
        assert.equal(fresh.count, 1, `${what}: count restarts`)
        assert.notEqual(fresh.sid, sid, `${what}: new session id`)
        const replaced = await theCookie(context, cookie)
        assert.ok(replaced.value !== value && replaced.value !== v, `${what}: the jar holds a new cookie`)
        assert.equal((await visit(page, url)).count, 2, `${what}: the new session works`)
      }
    },
  ],
  [
    'an expired session (2 s lifetime) gives a fresh session',
    'short',
    async ({ context, page, url, cookie }) => {
      const first = await visit(page, url)
      assert.equal((await visit(page, url)).count, 2)
      const stored = await theCookie(context, cookie)
      assert.ok(
        stored.expires - Date.now() / 1000 <= 2.5,
        `cookie expiry follows the lifetime: ${stored.expires}`,
      )
      const { expiresAt } = await sessionJson(page)
      const wait = Date.parse(expiresAt) - Date.now() + 300
      assert.ok(wait < 5000, `bounded wait: ${wait} ms`)
      await page.waitForTimeout(Math.max(wait, 0))
      // Chromium dropped the cookie itself (Max-Age), and the page starts over.
      assert.deepEqual(await jar(context, cookie), [], 'expired cookie gone from the jar')
      const natural = await visit(page, url)
      assert.equal(natural.count, 1)
      assert.notEqual(natural.sid, first.sid)
      // The server refuses the expired seal too: put the old cookie back with a far expiry.
      await context.addCookies([{ ...stored, expires: Math.floor(Date.now() / 1000) + 3600 }])
      const replayed = await visit(page, url)
      assert.equal(replayed.count, 1, 'an expired token opens no session')
      assert.ok(replayed.sid !== first.sid && replayed.sid !== natural.sid)
    },
  ],
  [
    'oversized write: 413 ERR_COOKIE_TOO_LARGE, the previous cookie stays and works',
    'main',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const fits = await inPage(page, '/grow?bytes=2500')
      assert.deepEqual([fits.status, JSON.parse(fits.text)], [200, { stored: 2500 }])
      const big = await theCookie(context, cookie)
      assert.ok(big.value.length > 2500, `a large cookie is stored (${big.value.length} chars)`)
      assert.equal((await sessionJson(page)).data.note.length, 2500, 'and sent back')
      const res = await inPage(page, '/grow?bytes=3500')
      assert.equal(res.status, 413)
      const body = JSON.parse(res.text)
      assert.equal(body.error, 'ERR_COOKIE_TOO_LARGE')
      assert.ok(body.size > 4096 && body.limit === 4096, res.text)
      assert.equal((await theCookie(context, cookie)).value, big.value, 'the jar keeps the previous cookie')
      assert.equal((await sessionJson(page)).data.note.length, 2500)
      const after = await visit(page, url)
      assert.equal(after.count, 2, 'the counter keeps working')
    },
  ],
  [
    'the largest session the library writes is stored and sent back by Chromium',
    'main',
    async ({ context, page, url, cookie }) => largestCookie({ context, page, url, cookie }),
  ],
  [
    'the largest session under a __Host- name is stored and sent back by Chromium',
    'host',
    async ({ context, page, url, cookie }) => largestCookie({ context, page, url, cookie }),
  ],
  // Big sessions: the `chunked` instance lets a session span 4 cookies (SESSION_CHUNKS=4).
  [
    'a 10,000-byte session is stored across 4 cookies and sent back whole',
    'chunked',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const grow = await inPage(page, '/grow?bytes=10000')
      assert.deepEqual([grow.status, JSON.parse(grow.text)], [200, { stored: 10000 }])
      const stored = await chunkJar(context, cookie)
      assert.deepEqual(Object.keys(stored), [cookie, `${cookie}.1`, `${cookie}.2`, `${cookie}.3`])
      let total = 0
      for (const c of Object.values(stored)) {
        assert.ok(c.name.length + c.value.length <= 4096, `${c.name} within 4096 bytes`)
        assert.deepEqual([c.httpOnly, c.sameSite, c.path], [true, 'Lax', '/'])
        total += c.name.length + 1 + c.value.length
      }
      assert.match(stored[cookie].value, /^3~e2/)
      assert.ok(total > 13_000, `${total} bytes of cookies`)
      const seen = await sessionJson(page)
      assert.deepEqual([seen.isNew, seen.data.note.length], [false, 10_000], 'all four sent back')
      // Navigations carry all four too, and the counter keeps counting.
      assert.equal((await visit(page, url)).count, 2)
      assert.equal((await visit(page, url)).count, 3)
    },
  ],
  [
    'a shrinking session expires its stale chunk cookies; logout clears them all',
    'chunked',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      const names = async () => Object.keys(await chunkJar(context, cookie))
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      assert.equal((await names()).length, 4)
      assert.equal((await inPage(page, '/grow?bytes=4000')).status, 200)
      assert.deepEqual(await names(), [cookie, `${cookie}.1`])
      assert.equal((await sessionJson(page)).data.note.length, 4000)
      assert.equal((await inPage(page, '/grow?bytes=10')).status, 200)
      assert.deepEqual(await names(), [cookie])
      assert.equal((await sessionJson(page)).data.note.length, 10)
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      await inPage(page, '/logout', { method: 'POST', redirect: 'manual' })
      assert.deepEqual(await names(), [], 'logout expired every chunk cookie')
      assert.equal((await sessionJson(page)).isNew, true)
    },
  ],
  [
    'past the cap of 4 cookies: 413, nothing written, the chunked session stays',
    'chunked',
    async ({ context, page, url, cookie }) => {
      await visit(page, url)
      assert.equal((await inPage(page, '/grow?bytes=10000')).status, 200)
      const values = async () => Object.values(await chunkJar(context, cookie)).map((c) => c.value)
      const before = await values()
      assert.equal(before.length, 4)
      const res = await inPage(page, '/grow?bytes=20000')
      assert.equal(res.status, 413)
      assert.equal(JSON.parse(res.text).error, 'ERR_COOKIE_TOO_LARGE')
      assert.deepEqual(await values(), before)
      assert.equal((await sessionJson(page)).data.note.length, 10_000)
    },
  ],
]

/**
 * The checks for the Next.js example (examples/next): its page's forms are Server Actions, which
 * React submits with JavaScript and answers with the re-rendered page, so the URL never changes.
 */
export const nextChecks = [
  [
    'a Server Action form logs in; the flash shows once; the counter survives a reload',
    'main',
    async ({ context, page, url, cookie }) => {
      const first = await visit(page, url)
      assert.deepEqual([first.count, first.user], [1, 'nobody'])
      await page.fill('#name', 'grace')
      await Promise.all([page.waitForSelector('#logout'), page.click('#login')])
      const after = await read(page)
      assert.deepEqual([after.user, after.flash], ['grace', 'Welcome, grace!'])
      assert.notEqual(after.sid, first.sid, 'session id changes on login')
      assert.equal((await theCookie(context, cookie)).httpOnly, true)
      await page.reload()
      const reloaded = await read(page)
      assert.deepEqual([reloaded.user, reloaded.flash, reloaded.sid], ['grace', undefined, after.sid])
      assert.equal(reloaded.count, after.count + 1, 'the counter survives the reload')
      await page.reload()
      assert.equal((await read(page)).count, after.count + 2)
    },
  ],
]

/** Our cookie and its chunk cookies (`name.1` to `name.9`) in the jar, by name, in order. */
async function chunkJar(context, name) {
  const ours = (await context.cookies()).filter(
    (c) =>
      c.name === name || (c.name.startsWith(`${name}.`) && /^[1-9]$/.test(c.name.slice(name.length + 1))),
  )
  return Object.fromEntries(ours.sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => [c.name, c]))
}

async function largestCookie({ context, page, url, cookie }) {
  await visit(page, url)
  const n = await largestFit(page)
  const res = await inPage(page, `/grow?bytes=${n}`)
  assert.equal(res.status, 200)
  const c = await theCookie(context, cookie)
  const size = c.name.length + 1 + c.value.length
  // base64url grows in steps of 4 characters, so one more byte would cross 4096.
  assert.ok(size <= 4096 && size > 4096 - 8, `cookie of ${size} bytes for ${n} stored bytes`)
  assert.equal((await sessionJson(page)).data.note.length, n, 'Chromium sent the full cookie back')
  assert.equal((await visit(page, url)).count, 2)
}

/**
 * A framework example's own checks, named by its target's `checks` (servers.mjs): the same
 * `[name, server, fn]` shape. Its page is the demo's, rendered by the framework and hydrated, so
 * its forms navigate client-side.
 */
export const frameworkChecks = {
  next: nextChecks,
  'react-router': [
    [
      '<Form> login without a page load: the flash shows once, the counter survives a reload',
      'main',
      async ({ context, page, url, cookie }) => {
        const first = await visit(page, url)
        await page.waitForFunction(() => '__reactRouterContext' in window)
        // Set before the click and still there after: the login was a client-side navigation.
        await page.evaluate(() => (window.notReloaded = true))
        await page.fill('#name', 'ada')
        await Promise.all([page.waitForSelector('#flash'), page.click('#login')])
        const after = await read(page)
        assert.equal(await page.evaluate(() => window.notReloaded), true, 'the login reloaded the page')
        assert.deepEqual([after.flash, after.user, after.count], ['Welcome, ada!', 'ada', 2])
        assert.notEqual(after.sid, first.sid, 'session id changes on login')
        await page.reload()
        const reloaded = await read(page)
        assert.deepEqual([reloaded.flash, reloaded.user, reloaded.count], [undefined, 'ada', 3])
        assert.equal(reloaded.sid, after.sid)
        assert.equal((await theCookie(context, cookie)).httpOnly, true)
      },
    ],
    [
      '<Form> logout ends the session: the page that follows is a new one, counting 1',
      'main',
      async ({ page, url }) => {
        await visit(page, url)
        await page.waitForFunction(() => '__reactRouterContext' in window)
        await Promise.all([page.waitForSelector('#logout'), page.click('#login')])
        const inSession = await read(page)
        await Promise.all([page.waitForSelector('#login'), page.click('#logout')])
        const out = await read(page)
        assert.deepEqual([out.user, out.count], ['nobody', 1])
        assert.notEqual(out.sid, inSession.sid)
      },
    ],
  ],
}
