// Worker entry of the side-by-side HTTP section: bench/against/http.ts bundles it with the builds
// and exports `worker(builds, id)` for `workerd serve`.

import { workerFor } from '../serve-worker.ts'
import { againstApps, type Builds } from './sections.ts'

export const worker = (builds: Builds, id: string) => workerFor(againstApps(builds), id)
