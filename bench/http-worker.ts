// One Hono app of bench/requests.ts as a Worker for `workerd serve` (bench/http.ts writes the
// config). APP_ID is defined at bundle time: workerd passes no arguments. The app is built on the
// first request: a Worker may not draw random bytes or start crypto in its global scope.

import { DATA } from './data.ts'
import { HTTP_APPS } from './requests.ts'

declare const APP_ID: string
type Fetch = (request: Request) => Response | Promise<Response>

const entry = HTTP_APPS.find((a) => a.id === APP_ID)
if (entry === undefined) throw new Error(`no app ${APP_ID}`)
let app: Fetch | undefined
let building: Promise<Fetch> | undefined

export default {
  fetch(request: Request): Response | Promise<Response> {
    if (app !== undefined) return app(request)
    building ??= entry.build(DATA['56 B']).then((built) => (app = built))
    return building.then((built) => built(request))
  },
}
