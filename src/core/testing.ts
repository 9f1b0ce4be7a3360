// Knobs for this project's own tests, never for applications. This file is not an entry point:
// no `exports` entry reaches it, and nothing public re-exports it.

import { randomBytes } from './random.ts'

let nextIv: Uint8Array<ArrayBuffer> | undefined

/**
 * @internal TEST ONLY. Makes the next AES-GCM seal (a session token or a one-off token) use `iv`
 * (12 bytes) instead of a fresh random one, so the frozen vectors in test/ can be reproduced byte
 * for byte. Applies once. Reusing an IV with the same key breaks AES-GCM; never call this outside
 * the test suite.
 */
export function setNextIvForTests(iv: Uint8Array<ArrayBuffer>): void {
  nextIv = iv
}

/** @internal The IV for one seal: the test override if one is set (used up), else random. */
export function takeIv(): Uint8Array<ArrayBuffer> {
  const out = nextIv ?? randomBytes(12)
  nextIv = undefined
  return out
}
