// One Hono app of bench/requests.ts as a Worker for `workerd serve` (bench/http.ts writes the
// config). APP_ID is defined at bundle time: workerd passes no arguments.

import { HTTP_APPS } from './requests.ts'
import { workerFor } from './serve-worker.ts'

declare const APP_ID: string

export default workerFor(HTTP_APPS, APP_ID)
