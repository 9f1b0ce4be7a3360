// The DBSC header fields (W3C DBSC draft, "DBSC Formats"), all Structured Fields (RFC 9651).
// We only ever write values whose characters need no escaping (base64url, `.`, and paths checked
// at setup), and read the few shapes browsers send, refusing anything else.

/** @internal `Secure-Session-Registration`: one inner list with ES256, the endpoint and the challenge. */
export function registrationHeader(path: string, challenge: string): string {
  return `(ES256);path="${path}";challenge="${challenge}"`
}

/** @internal `Secure-Session-Challenge`: the challenge as an sf-string, with the session it is for. */
export function challengeHeader(challenge: string, id: string): string {
  return `"${challenge}";id="${id}"`
}

/** Longest header value read; ours and a browser's are far shorter. */
const MAX_VALUE_LENGTH = 4096
/** The characters of every value read: JWTs, challenges and ids are base64url with `.`. */
const VALUE = /^[A-Za-z0-9_.-]+$/

/**
 * @internal
 * The string an `sf-string` header carries (`Secure-Session-Response`, `Sec-Secure-Session-Id`),
 * parameters ignored as the draft says. A bare token is read too: early Chromium releases sent
 * one. `undefined` for a missing or malformed value, and for anything with characters a JWT or an
 * id cannot hold (so no escape is ever decoded).
 */
export function readString(value: string | null): string | undefined {
  if (value === null || value.length > MAX_VALUE_LENGTH) return undefined
  let text = value.trim()
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1)
    if (end === -1) return undefined
    const rest = text.slice(end + 1).trimStart()
    if (rest !== '' && !rest.startsWith(';')) return undefined
    text = text.slice(1, end)
  } else {
    const semicolon = text.indexOf(';')
    if (semicolon !== -1) text = text.slice(0, semicolon).trimEnd()
  }
  return VALUE.test(text) ? text : undefined
}

/**
 * @internal
 * Whether `Secure-Session-Skipped` names session `id`: the browser held back the bound cookie
 * because its refresh failed (`unreachable`, `server_error`, `quota_exceeded`). Example:
 * `unreachable;session_identifier="123", quota_exceeded;session_identifier="456"`.
 */
export function skippedFor(value: string | null, id: string): boolean {
  if (value === null || value.length > MAX_VALUE_LENGTH) return false
  for (const item of value.split(',')) {
    const match =
      /^\s*(unreachable|server_error|quota_exceeded)\s*;\s*session_identifier="([^"\\]*)"\s*$/.exec(item)
    if (match?.[2] === id) return true
  }
  return false
}
