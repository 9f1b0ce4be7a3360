// The pipeline's gate step: every gate (revocation, device binding) run in one place, after the
// read and before any write. Only the gates reach this file (each carries it as its `runner`),
// so an app configured without a gate ships none of it; load.ts, write.ts and store.ts call it
// through `parts.runner`.

import { type Admission, type GateCookie, type GateStore, STEP_VERSION, type Verdict } from './extensions.ts'
import type { GateRunner, StoreParts } from './parts.ts'
import { clockOf } from './session-state.ts'
import type { Slot } from './write.ts'

/** @internal What every gate made by this library carries as its `runner`. */
export const gateRunner: GateRunner = {
  version: STEP_VERSION,

  // Admitted, the session is the app's (held read-only when a gate could not decide and was told
  // to let it through); refused, the app gets a new, empty one, and nothing replaces the
  // browser's cookie when the refusal was undecided ('unverified').
  async admit(parts, gates, session, loaded, slot, clock, now, reason) {
    const issuedAt = loaded.legacy ? -Infinity : loaded.created
    const { header, request } = slot
    const state = parts.core.handleOf(session).state
    const admission: Admission = { session, issuedAt, header, request, state, now }
    let verdict: Verdict
    for (const gate of gates) {
      const said = await gate.admit(admission)
      if (said === 'unchecked') verdict = said
      else if (said !== undefined) {
        verdict = said
        break
      }
    }
    if (verdict === undefined || verdict === 'unchecked') {
      slot.hold = verdict
      slot.admission = admission
      return { session, reason: verdict === undefined ? reason : 'unverified' }
    }
    const hold = verdict === 'unverified' ? ('refused' as const) : undefined
    const fresh: Slot = { ...slot, keyId: undefined, expire: [], hold }
    return { session: parts.core.make(parts, undefined, fresh, clock, now), reason: verdict }
  },

  async committing(parts, session, h, request, extras) {
    for (const gate of parts.gates) {
      if (!gate.committing) continue
      const before = JSON.stringify(h.state)
      const { destroyed, cut, state } = h
      const added = await gate.committing({ session, destroyed, cut, state, request, now: h.now() })
      if (added) extras.push(added)
      if (JSON.stringify(h.state) !== before) {
        h.exposed = true
        h.version++
      }
    }
  },

  // A loaded session is sealed again only once every gate vouched for it in this request, so
  // writing often cannot keep a revoked session alive between checks.
  async holds(parts, h, admission, now) {
    // Issued anew by regenerate(): a gate may honour that (revocation's `keep`), or not.
    const issuedAt = h.created === admission.issuedAt || !h.renewed ? admission.issuedAt : h.created
    const entry = { ...admission, issuedAt, now }
    for (const gate of parts.gates) {
      const verdict = gate.sealing && (await gate.sealing(entry))
      if (verdict) return ((h.slot as Slot).held = verdict)
    }
    return undefined
  },

  router(parts) {
    const routes = parts.gates.flatMap((g, i) => (g.route ? [[g.route, i] as const] : []))
    if (routes.length === 0) return undefined
    return async (request, now) => {
      for (const [serve, i] of routes) {
        const answer = await serve(request, gateStore(parts, i, parts.config.gates[i]!.name, now))
        if (answer) return answer
      }
      return undefined
    }
  },
}

/** The store as gate `index`'s endpoints see it: sessions loaded through the gates before it. */
function gateStore(parts: StoreParts, index: number, name: string, now: () => number): GateStore {
  return {
    async open(request) {
      const clock = clockOf(now)
      const gates = parts.gates.slice(0, index)
      const { handleOf, openSession, commitSession } = parts.core
      let reason: string | undefined
      const header = request.headers.get('cookie')
      const session = await openSession(parts, header, request, gates, clock, (why) => void (reason = why))
      // Refused undecided, or admitted read-only: either way nothing may be sealed for it.
      if (reason === 'unverified') return 'unverified'
      if (session.isNew) return undefined
      const h = handleOf(session)
      return {
        session,
        state: h.state,
        now: clock(),
        async reseal(state: unknown, cookies: readonly GateCookie[] = []) {
          h.state = { ...h.state, [name]: state }
          h.exposed = true
          h.version++
          const slot = h.slot as Slot
          slot.held = undefined
          const commit = await commitSession(parts, session, cookies)
          // Held back by a gate: nothing was sealed, and the commit (the gate's own cookies, say a
          // new bound cookie) must not go out without the session.
          if (slot.held === undefined) return commit
          slot.saved = undefined
          return slot.held
        },
      }
    },
  }
}
