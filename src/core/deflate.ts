// Raw DEFLATE (RFC 1951) through the Compression Streams standard, the one codec every target
// runtime ships (Workers, Deno, Bun, Node 20.12+/21.2+, browsers). Bytes in, bytes out.
//
// Inflating is bounded: the output is counted as it streams and the stream is cancelled once it
// passes `limit`. The input is fed in small slices because some implementations (Deno's) expand a
// whole written chunk in one step; raw DEFLATE expands at most ~1032:1, so a 512-byte slice can
// never produce more than ~530 KB before the count is checked. (Each slice costs Node a zlib
// thread-pool round trip, so they are not smaller.)

const FORMAT = 'deflate-raw'
const INFLATE_SLICE = 512

/**
 * @internal
 * Whether this runtime has `CompressionStream('deflate-raw')`. An unsupported format is a
 * TypeError (Compression Streams standard); any other error is not about the format: Workers
 * refuse to construct streams in global scope, where static options are often resolved.
 */
export function canCompress(): boolean {
  if (typeof CompressionStream !== 'function' || typeof DecompressionStream !== 'function') return false
  try {
    new CompressionStream(FORMAT)
  } catch (error) {
    return !(error instanceof TypeError)
  }
  return true
}

/** @internal */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream(FORMAT)
  const writer = stream.writable.getWriter()
  // Settled through the readable side; errors there surface from collect().
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(ignore)
  writer.close().catch(ignore)
  return (await collect(stream.readable.getReader(), Number.POSITIVE_INFINITY))!
}

/** @internal The inflated bytes, or `undefined` when `bytes` is not raw DEFLATE or inflates past `limit`. */
export async function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array | undefined> {
  let stream: DecompressionStream
  try {
    stream = new DecompressionStream(FORMAT)
  } catch {
    return undefined
  }
  const writer = stream.writable.getWriter()
  // Queued at once; the transform takes the next slice only when its output has been read.
  for (let i = 0; i < bytes.length; i += INFLATE_SLICE) {
    writer.write(bytes.subarray(i, i + INFLATE_SLICE) as Uint8Array<ArrayBuffer>).catch(ignore)
  }
  writer.close().catch(ignore)
  try {
    return await collect(stream.readable.getReader(), limit)
  } catch {
    return undefined
  }
}

async function collect(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<Uint8Array | undefined> {
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      reader.cancel().catch(ignore)
      return undefined
    }
    parts.push(value)
  }
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function ignore(): void {}
