// @ts-nocheck: this file is type-checked nowhere on purpose. It is the build adapter for the
// layout before the request-pipeline redesign (flat src/*.ts), which exists only in the build
// directory bench/against/builds.ts copies it into; the benchmark checks at run time that every
// candidate it builds from here round-trips the fixtures.

import { utf8Decode } from '../../src/encoding.ts'
import { keyringOf } from '../../src/keys.ts'
import { resolveOptions } from '../../src/options.ts'
import { openValue } from '../../src/store.ts'
import { tokenCodec } from '../../src/token.ts'
import type { Mode, TokenLike } from './api.ts'
import { buildApi } from './common.ts'

async function token(mode: Mode, name: string, secret: string): Promise<TokenLike> {
  const config = resolveOptions({ secret, mode, cookie: { name } })
  const ring = await keyringOf(config.secrets, mode)()
  const codec = tokenCodec(name, mode)
  // `sid: undefined`: the codec draws a new session's id together with the IV, one random call.
  const sealBody = (body: string) => {
    const now = Math.floor(config.now())
    return codec.seal({ created: now, touched: now, sid: undefined, lifetime: undefined, body }, ring)
  }
  const unseal = async (value: string) => {
    const opened = await codec.unseal(value, ring)
    if (!opened.ok) throw new Error(opened.reason)
    return opened.payload
  }
  return {
    sealBody,
    seal: (data) => sealBody(config.serializer.stringify(data)),
    async open(value) {
      const opened = await openValue(config, codec, value, ring)
      if (!opened.ok) throw new Error(opened.reason)
      return opened.loaded.data
    },
    openToken: unseal,
    bodyOf: async (value) => (await unseal(value)).body,
    stringify: (data) => config.serializer.stringify(data),
    utf8: utf8Decode,
  }
}

export const build = buildApi('flat', token)
