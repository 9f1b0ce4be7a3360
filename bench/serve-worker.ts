// One Hono app of a list as a Worker for `workerd serve` (bench/http-worker.ts,
// bench/against/serve-worker.ts). Apart from bench/serve.ts, whose Node server a Worker bundle
// must not pull in.

import type { AppEntry, Fetch } from './apps.ts'
import { DATA } from './data.ts'

/**
 * The app `id` as a Worker for `workerd serve`. It is built on the first request: a Worker may
 * not draw random bytes or start crypto in its global scope.
 */
export function workerFor(apps: readonly AppEntry[], id: string) {
  const entry = apps.find((a) => a.id === id)
  if (entry === undefined) throw new Error(`no app ${id}`)
  let app: Fetch | undefined
  let building: Promise<Fetch> | undefined
  return {
    fetch(request: Request): Response | Promise<Response> {
      if (app !== undefined) return app(request)
      building ??= entry.build(DATA['56 B']).then((built) => (app = built))
      return building.then((built) => built(request))
    },
  }
}
