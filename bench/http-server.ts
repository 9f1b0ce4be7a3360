// One Hono app of bench/requests.ts served over real HTTP on loopback (bench/serve.ts). Bundled by
// bench/http.ts and run as its own process. Arguments: the app id and the port.

import { HTTP_APPS } from './requests.ts'
import { serve } from './serve.ts'

const started = performance.now()
await serve(HTTP_APPS, started)
