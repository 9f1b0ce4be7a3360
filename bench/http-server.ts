// One Hono app of bench/requests.ts served over real HTTP on loopback: Node (@hono/node-server),
// Bun (Bun.serve) or Deno (Deno.serve). Bundled by bench/http.ts and run as its own process.
// Arguments: the app id and the port. Prints `ready <ms>` once listening, <ms> being the time
// from process start to listening (module evaluation and app build; key setup happens on the
// first request, which bench/http.ts times apart).

import { DATA } from './data.ts'
import { HTTP_APPS } from './requests.ts'

declare const Bun: { serve(options: { port: number; hostname: string; fetch: Fetch }): unknown } | undefined
declare const Deno:
  | {
      args: string[]
      serve(options: { port: number; hostname: string; onListen(): void }, fetch: Fetch): unknown
    }
  | undefined
type Fetch = (request: Request) => Response | Promise<Response>

const started = performance.now()
const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2)
const [id, port] = [args[0]!, Number(args[1])]
const entry = HTTP_APPS.find((a) => a.id === id)
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
