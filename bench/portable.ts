// The measurements other runtimes run: bundled by bench/run.ts and executed by Bun, Deno and
// workerd. A reduced matrix: codec round trips at every size, requests at 56 B.

import { CODECS, type CodecEntry } from './codecs.ts'
import { APPS } from './requests.ts'
import { codecSection, requestSection } from './suite.ts'

export interface PortableOptions {
  rounds: number
  batchMs: number
}

export async function runPortable(options: PortableOptions, extra: readonly CodecEntry[] = []) {
  const timing = { rounds: options.rounds, batchMs: options.batchMs }
  const codec = await codecSection([...CODECS, ...extra], timing, undefined, ['round trip'])
  const requests = await requestSection(APPS, timing, ['56 B'])
  return { codec, requests }
}

export type PortableResult = Awaited<ReturnType<typeof runPortable>>
