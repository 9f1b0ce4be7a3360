// Every candidate as a codec: session data -> cookie value -> session data. Portable: the same
// module runs on Node, Bun, Deno and workerd. Node-only candidates live in codecs-node.ts.

import { parseSigned, serializeSigned } from 'hono/utils/cookie'
import { sealData, unsealData } from 'iron-session'
import * as iron from 'iron-webcrypto'
import { EncryptJWT, jwtDecrypt, jwtVerify, SignJWT } from 'jose'
import type { Mode } from '../src/core/keys.ts'
import { keyringOf } from '../src/core/keys.ts'
import { resolveOptions } from '../src/core/options.ts'
import { openValue } from '../src/core/read.ts'
import { createSessionStore } from '../src/core/resolver.ts'
import { tokenCodec } from '../src/core/token.ts'
import { type Data, NAME, SECRET } from './data.ts'
import { type Codec, type CodecFactory, floor, floorWithAad, RAW_KEY, value } from './floor.ts'

export { type Codec, type CodecFactory, floor, floorWithAad, RAW_KEY }

const FOURTEEN_DAYS = 14 * 24 * 60 * 60

/**
 * This library, exactly as a session reads and writes, through the public store: the strict
 * serializer and the seal on the way out, the unseal, lifetimes, UTF-8 and parse on the way in.
 */
export function ours(mode: Mode): CodecFactory {
  return async () => {
    const store = createSessionStore<Data>({ secret: SECRET, mode, cookie: { name: NAME } })
    return {
      id: mode === 'encrypted' ? 'ours' : 'ours-signed',
      async seal(data) {
        const session = await store.load(null)
        session.replace(data)
        return (await store.commit(session)).setCookie[0]!.split(';')[0]!
      },
      async unseal(sealed) {
        const session = await store.load(sealed)
        if (session.isNew) throw new Error('not a session')
        return session.data as Data
      },
    }
  }
}

/**
 * This library's cookie value alone, as the store reads and writes it (the strict serializer and
 * the seal; the unseal, UTF-8, lifetime checks and parse), without the cookie header, the
 * `Set-Cookie` attributes and the Session object: the part comparable to the floor codec.
 */
export function oursToken(mode: Mode): CodecFactory {
  return async () => {
    const config = resolveOptions({ secret: SECRET, mode, cookie: { name: NAME } })
    const ring = await keyringOf(config.secrets, mode)()
    const codec = tokenCodec(NAME, mode)
    return {
      id: mode === 'encrypted' ? 'ours-token' : 'ours-token-signed',
      async seal(data) {
        const now = Math.floor(config.now())
        const body = config.serializer.stringify(data)
        const token = await codec.seal(
          { created: now, touched: now, sid: new Uint8Array(12), lifetime: undefined, body },
          ring,
        )
        return `${NAME}=${token}`
      },
      async unseal(sealed) {
        const opened = await openValue({ config, codec }, value(sealed), ring, Date.now())
        if (!opened.ok) throw new Error(opened.reason)
        return opened.loaded.data
      },
    }
  }
}

export async function ironSession(): Promise<Codec> {
  return {
    id: 'iron-session',
    seal: async (data) => `${NAME}=${await sealData(data, { password: SECRET, ttl: FOURTEEN_DAYS })}`,
    async unseal(sealed) {
      let failed = false
      const data = await unsealData(value(sealed), {
        password: SECRET,
        ttl: FOURTEEN_DAYS,
        onUnsealError: () => {
          failed = true
        },
      })
      if (failed) throw new Error('invalid')
      return data
    },
  }
}

export async function ironWebcrypto(): Promise<Codec> {
  const options = { ...iron.defaults, ttl: FOURTEEN_DAYS * 1000 }
  return {
    id: 'iron-webcrypto',
    seal: async (data) => `${NAME}=${await iron.seal(data, SECRET, options)}`,
    unseal: (sealed) => iron.unseal(value(sealed), SECRET, options),
  }
}

/** jose JWE, `dir` + A256GCM, with a CryptoKey imported once (jose's fastest use). */
export async function joseJwe(): Promise<Codec> {
  const key = await crypto.subtle.importKey('raw', RAW_KEY, 'AES-GCM', false, ['encrypt', 'decrypt'])
  return {
    id: 'jose-jwe',
    async seal(data) {
      const jwe = await new EncryptJWT(data)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime('14d')
        .encrypt(key)
      return `${NAME}=${jwe}`
    },
    unseal: async (sealed) => (await jwtDecrypt(value(sealed), key)).payload,
  }
}

/** jose JWS HS256 (signed, readable), with a CryptoKey imported once. */
export async function joseHs256(): Promise<Codec> {
  const key = await crypto.subtle.importKey('raw', RAW_KEY, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  return {
    id: 'jose-hs256',
    async seal(data) {
      const jws = await new SignJWT(data)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime('14d')
        .sign(key)
      return `${NAME}=${jws}`
    },
    unseal: async (sealed) => (await jwtVerify(value(sealed), key)).payload,
  }
}

/** Hono's signed cookies (`setSignedCookie` / `getSignedCookie` without the Context), JSON inside. */
export async function honoSigned(): Promise<Codec> {
  return {
    id: 'hono-signed',
    seal: async (data) => (await serializeSigned(NAME, JSON.stringify(data), SECRET)).split(';')[0]!,
    async unseal(sealed) {
      const found = (await parseSigned(sealed, SECRET, NAME))[NAME]
      if (typeof found !== 'string') throw new Error('invalid')
      return JSON.parse(found)
    },
  }
}

export interface CodecEntry {
  readonly id: string
  readonly label: string
  readonly factory: CodecFactory
}

export const CODECS: readonly CodecEntry[] = [
  { id: 'floor', label: 'floor: one AES-GCM call, key imported once', factory: floor },
  { id: 'floor-aad', label: 'floor + 14 bytes of additional data', factory: floorWithAad },
  { id: 'ours-token', label: 'sealed-session token (encrypted)', factory: oursToken('encrypted') },
  { id: 'ours-token-signed', label: 'sealed-session token (signed)', factory: oursToken('signed') },
  { id: 'ours', label: 'sealed-session store (encrypted)', factory: ours('encrypted') },
  { id: 'ours-signed', label: 'sealed-session store (signed)', factory: ours('signed') },
  { id: 'jose-jwe', label: 'jose JWE dir+A256GCM', factory: joseJwe },
  { id: 'jose-hs256', label: 'jose JWS HS256', factory: joseHs256 },
  { id: 'hono-signed', label: 'Hono signed cookie', factory: honoSigned },
  { id: 'iron-session', label: 'iron-session', factory: ironSession },
  { id: 'iron-webcrypto', label: 'iron-webcrypto', factory: ironWebcrypto },
]
