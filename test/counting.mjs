// How test/run.mjs counts what one target printed; every target (a runtime's suite runner, the
// examples, the browser suite, soak) follows this protocol:
// - Last, it prints `N passed, N failed`, with `, N skipped` when it skipped parts whose
//   prerequisite is missing (Chromium, a runtime), each announced on a line `skip <what>: <reason>`.
// - A target that exits 0 having only skipped counts as one skip, with the first reason.
// - Under CI=true every skip is a failure, whatever the target itself decided.
// - A target that passed nothing and skipped nothing, or exited non-zero without counting a
//   failure (it died), counts as one failure; except under --filter, where a target that exits 0
//   having run nothing just had nothing matching.
// test/counting.test.mjs checks these rules and the browser suite's skip end to end.

/** What one target's exit code and output count for: totals and a summary line. */
export function countTarget(code, out, ci, filtered = false) {
  const lines = out.split('\n')
  const last = lines.findLast((l) => /\d+ passed, \d+ failed/.test(l))
  const counts = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(last ?? '')
  const [passed, failed, skipped] = [1, 2, 3].map((i) => Number(counts?.[i] ?? 0))
  const reason = lines
    .find((l) => l.startsWith('skip '))
    ?.replace(/^skip /, '')
    .replace(/ \(set CI=true to make this a failure\)$/, '')
  const runtime = /^(.+?): \d+ passed/.exec(last ?? '')?.[1]
  const tail = runtime ? `  [${runtime}]` : ''
  if (code === 0 && passed + failed + skipped === 0 && filtered) {
    return { passed: 0, failed: 0, skipped: 0, text: `nothing matched the filter${tail}` }
  }
  if (code === 0 && passed + failed === 0 && skipped > 0 && !ci) {
    return { passed: 0, failed: 0, skipped: 1, text: `skipped (${reason ?? 'no reason given'})` }
  }
  // Under CI a skip is a failure, even if the target let it pass.
  const skipsFailed = ci ? skipped : 0
  const dead = (code !== 0 && failed === 0) || passed + failed + skipsFailed === 0 ? 1 : 0
  const why = code === 0 ? 'ran nothing' : 'runner exited abnormally'
  const note = dead ? ` (${why})` : skipsFailed ? ' (skipped under CI=true)' : ''
  const skips = skipped && !ci ? `, ${skipped} skipped` : ''
  return {
    passed,
    failed: failed + skipsFailed + dead,
    skipped: ci ? 0 : skipped,
    text: `${passed} passed, ${failed + skipsFailed + dead} failed${skips}${note}${tail}`,
  }
}

/**
 * Runs named checks in order, printing `ok <prefix><name>` or `FAIL <prefix><name>` with the
 * error's first lines, then the totals line this protocol reads; sets the exit code.
 */
export async function runNamedChecks(checks, prefix = '') {
  let passed = 0
  let failed = 0
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check()
      passed++
      console.log(`ok   ${prefix}${name}`)
    } catch (error) {
      failed++
      const text = String(error?.stack ?? error)
        .split('\n')
        .slice(0, 6)
        .join('\n  ')
      console.log(`FAIL ${prefix}${name}\n  ${text}`)
    }
  }
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed > 0 ? 1 : 0
}
