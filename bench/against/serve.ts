// Server entries of the side-by-side HTTP section: bench/against/http.ts bundles them with the
// builds and calls `server(builds)` (Node, Bun, Deno) or `worker(builds, id)` (workerd).

import { serve, workerFor } from '../serve.ts'
import { againstApps, type Builds } from './sections.ts'

export const server = (builds: Builds): Promise<void> => serve(againstApps(builds), performance.now())
export const worker = (builds: Builds, id: string) => workerFor(againstApps(builds), id)
