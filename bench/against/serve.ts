// Server entry of the side-by-side HTTP section on Node, Bun and Deno: bench/against/http.ts
// bundles it with the builds and calls `server(builds)` (workerd: bench/against/serve-worker.ts).

import { serve } from '../serve.ts'
import { againstApps, type Builds } from './sections.ts'

export const server = (builds: Builds): Promise<void> => serve(againstApps(builds), performance.now())
