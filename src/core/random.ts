// Random bytes for IVs and session ids. One getRandomValues call costs about as much for 480 bytes
// as for 12 (a couple of microseconds on Node, a call into the host on workerd), and a new session
// needs two draws (its id, then the seal's IV): drawn in batches, each range is handed out once
// and never again. The first batch is drawn on first use, never at module load (Workers forbid
// randomness at startup, and a startup snapshot would share it).

const POOL_BYTES = 480
let pool = new Uint8Array(0)
let used = 0

/** @internal `n` fresh random bytes (at most 480), each used once. */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  if (used + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES))
    used = 0
  }
  // A view, not a copy: a pool is never refilled (a new one replaces it), so no range is ever
  // written again, and a copy's own buffer cost the workerd seal (bench: codec-seal) 4%.
  const out = pool.subarray(used, used + n)
  used += n
  return out
}
