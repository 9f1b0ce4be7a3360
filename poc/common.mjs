// Shared by the PoCs: secrets, a request helper, and a result printer.
export const SECRET = 'poc-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
export const OTHER = 'poc-other-secret-ZYXWVUTSRQPONMLKJIHGFEDCBA-987'
export const T0 = Date.UTC(2026, 0, 1)
export const DAY = 86_400_000
export function req(path = '/', cookie, headers = {}, init = {}) {
  const h = new Headers(headers)
  if (cookie) h.set('cookie', cookie)
  return new Request(`https://app.example${path}`, { ...init, headers: h })
}
export const pairs = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0])
export const live = (res) =>
  res.headers
    .getSetCookie()
    .filter((c) => !/Max-Age=0/.test(c))
    .map((c) => c.split(';')[0])
    .join('; ')
let failed = false
export function verdict(vulnerable, title, detail) {
  console.log(
    `${vulnerable ? 'VULNERABLE' : 'ok        '}  ${title}${detail ? `\n            ${detail}` : ''}`,
  )
  if (vulnerable) failed = true
}
process.on('beforeExit', () => {
  if (failed) process.exitCode = 1
})

// A DBSC "browser": a P-256 key pair and the ES256 proofs it signs (W3C DBSC draft).
const b64u = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const te = new TextEncoder()
export async function device() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return {
    async proof(jti, withKey = false) {
      const header = { alg: 'ES256', typ: 'dbsc+jwt', ...(withKey ? { jwk: { kty, crv, x, y } } : {}) }
      const signed = `${b64u(te.encode(JSON.stringify(header)))}.${b64u(te.encode(JSON.stringify({ jti })))}`
      const sig = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, te.encode(signed)),
      )
      return `${signed}.${b64u(sig)}`
    },
  }
}
/** The challenge of a `Secure-Session-Registration` or `Secure-Session-Challenge` header. */
export const challengeOf = (res) =>
  /challenge="([^"]+)"/.exec(res.headers.get('secure-session-registration') ?? '')?.[1] ??
  /^"([^"]+)"/.exec(res.headers.get('secure-session-challenge') ?? '')?.[1]
