// Node-only reference: cookie-session's scheme (base64 JSON in one cookie, a keygrip HMAC-SHA1
// signature in `<name>.sig`), signed synchronously with node:crypto. Runs on Bun and Deno too.

import { Buffer } from 'node:buffer'
import Keygrip from 'keygrip'
import { CODECS, type Codec, type CodecEntry } from './codecs.ts'
import { NAME, SECRET } from './data.ts'

export async function keygrip(): Promise<Codec> {
  const keys = new Keygrip([SECRET])
  return {
    id: 'keygrip',
    async seal(data) {
      const value = Buffer.from(JSON.stringify(data)).toString('base64')
      return `${NAME}=${value}; ${NAME}.sig=${keys.sign(`${NAME}=${value}`)}`
    },
    async unseal(sealed) {
      const [pair, sigPair] = sealed.split('; ')
      const value = pair!.slice(NAME.length + 1)
      if (keys.index(`${NAME}=${value}`, sigPair!.slice(NAME.length + 5)) < 0) throw new Error('invalid')
      return JSON.parse(Buffer.from(value, 'base64').toString())
    },
  }
}

/** Every codec the Node run measures: the portable ones and this Node-only reference. */
export const NODE_CODECS: readonly CodecEntry[] = [
  ...CODECS,
  { id: 'keygrip', label: 'cookie-session scheme (keygrip, Node only)', factory: keygrip },
]
