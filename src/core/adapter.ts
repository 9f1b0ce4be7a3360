// What every adapter's middleware does first, written once: refuse a second session middleware on
// the same key, let a gate's endpoint (device binding's register and refresh) answer the request
// before the app, else load the request's session.

import { configError } from './errors.ts'
import type { Session, SessionData } from './session.ts'
import type { StoreCore } from './store.ts'

/**
 * @internal
 * A gate endpoint's `Response` for `source`, or the session it carries. `taken`: the adapter's
 * slot for the session (`where`, as the app spells it) already holds one.
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` when `taken`.
 */
export function enter(
  store: StoreCore,
  source: Request | Headers,
  taken: boolean,
  where: string,
): Promise<Response | Session<SessionData>> {
  if (taken) {
    throw configError('ERR_OPTION_INVALID', `two session middlewares set ${where}; give each its own \`key\``)
  }
  // Only a Request can be routed (h3 v1 hands over its headers alone). Not an async function:
  // returning load()'s promise from one costs every request extra turns of the microtask queue
  // (bench: requests on workerd).
  const routed = source instanceof Request ? store.route(source) : undefined
  if (routed === undefined) return store.load(source)
  return routed.then<Response | Session<SessionData>>((answer) => answer ?? store.load(source))
}
