// The HTTP section of a side-by-side run: bench/http.ts's servers and load (autocannon over
// loopback, apps interleaved in rotating order over rounds), serving the bare app, the floor
// middleware and each build's Hono middleware; each round's throughput of the new build is divided
// by the old build's in the same round.

import { type HttpOptions, type HttpResult, httpSection } from '../http.ts'
import { bin } from '../tools.ts'
import { type Build, bundleWith } from './builds.ts'
import { spread } from './groups.ts'

const APPS = ['ours', 'ours-fn']

export function httpAgainst(
  builds: readonly Build[],
  dir: string,
  options: HttpOptions,
  log: (line: string) => void,
): Promise<HttpResult> {
  const ids = ['bare', 'floor', ...APPS.flatMap((app) => builds.map((b) => `${b.label}:${app}`))]
  return httpSection(options, dir, bin, (line) => log(line.trim()), {
    apps: ids.map((id) => ({ id })),
    bundleServer: (outfile) =>
      bundleWith(builds, 'bench/against/serve.ts', 'await entry.server(BUILDS)', outfile, 'node'),
    bundleWorker: (outfile, id) =>
      bundleWith(
        builds,
        'bench/against/serve-worker.ts',
        `export default entry.worker(BUILDS, ${JSON.stringify(id)})`,
        outfile,
        'neutral',
      ),
  })
}

const fmt = (n: number) => n.toFixed(2)

/** Per runtime and scenario: each app's throughput vs the floor middleware, and new ÷ old per round. */
export function httpTable(result: HttpResult, labels: readonly string[]): string {
  const out: string[] = ['### Over HTTP (real servers on loopback, autocannon)', '']
  const head =
    '| runtime, scenario | app | req/s | vs floor middleware, median (low–high) | ÷ old, median (p25–p75, low–high) |'
  out.push(head, '| --- | --- | --- | --- | --- |')
  for (const row of result.rows) {
    const [label, app] = row.id.includes(':') ? row.id.split(':') : [undefined, row.id]
    let vsOld = ''
    if (label !== undefined && label !== 'old') {
      const old = result.rows.find(
        (r) => r.runtime === row.runtime && r.scenario === row.scenario && r.id === `old:${app}`,
      )
      if (old) {
        const s = spread(row.perRound.map((v, i) => v / old.perRound[i]!))
        vsOld = `${fmt(s.median)} (${fmt(s.p25)}–${fmt(s.p75)}, ${fmt(s.min)}–${fmt(s.max)})`
      }
    }
    out.push(
      `| ${row.runtime}, ${row.scenario} | ${row.id} | ${Math.round(row.rps)} | ${fmt(row.vsFloor.median)} (${fmt(row.vsFloor.low)}–${fmt(row.vsFloor.high)}) | ${vsOld} |`,
    )
  }
  if (result.first.length) {
    out.push(
      '',
      `| first request vs warm (ms) | ${labels.length ? 'runtime' : ''} | first | warm |`,
      '| --- | --- | --- | --- |',
    )
    for (const f of result.first)
      out.push(`| ${f.id} | ${f.runtime} | ${f.first.toFixed(1)} | ${f.warm.toFixed(2)} |`)
  }
  if (result.errors.length) out.push('', ...result.errors.map((e) => `- ${e}`))
  return out.join('\n')
}
