// workerd entry (through Miniflare): POST the options as JSON, get the portable matrix back.
// No nodejs_compat, so the node:crypto keygrip reference does not run here.

import { runPortable } from './portable.ts'

export default {
  async fetch(request: Request): Promise<Response> {
    return Response.json(await runPortable(await request.json()))
  },
}
