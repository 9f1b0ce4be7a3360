// The measurements other runtimes run: bundled by bench/run.ts and executed by Bun, Deno and
// workerd. A reduced matrix: codec round trips at every size, requests at 56 B.

import { CODECS, type CodecEntry } from './codecs.ts'
import { APPS } from './requests.ts'
import { type StageRow, stagesSection } from './stages.ts'
import { codecSection, requestSection } from './suite.ts'

export interface PortableOptions {
  rounds: number
  batchMs: number
  /** Only these codec ids (and no request section): a focused round-trip run. */
  codecs?: string[]
  /** Also time each step of the round trip (bench/stages.ts). */
  stages?: boolean
}

export async function runPortable(options: PortableOptions, extra: readonly CodecEntry[] = []) {
  const timing = { rounds: options.rounds, batchMs: options.batchMs }
  const only = options.codecs
  const entries = [...CODECS, ...extra].filter((c) => only === undefined || only.includes(c.id))
  const codec = await codecSection(entries, timing, undefined, ['round trip'])
  const requests = only ? { rows: [], facts: [], skipped: [] } : await requestSection(APPS, timing, ['56 B'])
  const stages: StageRow[] = options.stages ? await stagesSection(timing) : []
  return { codec, requests, stages }
}

export type PortableResult = Awaited<ReturnType<typeof runPortable>>
