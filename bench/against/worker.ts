// workerd entry of a side-by-side run (through Miniflare): POST the options as JSON, get the
// result back. bench/against/builds.ts bundles it with the builds and exports `worker(builds)`.

import { type AgainstOptions, type Builds, runAgainst } from './sections.ts'

export function worker(builds: Builds) {
  return {
    async fetch(request: Request): Promise<Response> {
      return Response.json(await runAgainst(builds, (await request.json()) as AgainstOptions))
    },
  }
}
