// Serving one Hono app of a list over real HTTP on loopback: Node (@hono/node-server), Bun
// (Bun.serve) or Deno (Deno.serve). The bundled entries
// (bench/http-server.ts, bench/against/serve.ts) call it with their apps; Workers use
// bench/serve-worker.ts, which leaves the Node server out of their bundle.

import type { AppEntry, Fetch } from './apps.ts'
import { DATA } from './data.ts'

declare const Bun: { serve(options: { port: number; hostname: string; fetch: Fetch }): unknown } | undefined
declare const Deno:
  | {
      args: string[]
      serve(options: { port: number; hostname: string; onListen(): void }, fetch: Fetch): unknown
    }
  | undefined

/**
 * Serves the app named by the first argument on the port the second names. Prints `ready <ms>`
 * once listening, <ms> being the time from `started` to listening (module evaluation and app
 * build; key setup happens on the first request, which bench/http.ts times apart).
 */
export async function serve(apps: readonly AppEntry[], started: number): Promise<void> {
  const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2)
  const [id, port] = [args[0]!, Number(args[1])]
  const entry = apps.find((a) => a.id === id)
  if (entry === undefined) throw new Error(`no app ${id}`)
  const fetch = await entry.build(DATA['56 B'])
  const ready = () => console.log(`ready ${(performance.now() - started).toFixed(1)}`)
  if (typeof Bun !== 'undefined') {
    Bun.serve({ port, hostname: '127.0.0.1', fetch })
    ready()
  } else if (typeof Deno !== 'undefined') {
    Deno.serve({ port, hostname: '127.0.0.1', onListen: ready }, fetch)
  } else {
    const { serve } = await import('@hono/node-server')
    serve({ fetch, port, hostname: '127.0.0.1' }, ready)
  }
}
