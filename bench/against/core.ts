// Build adapter for the layout after the request-pipeline redesign (src/core/*): the token-level
// internals the benchmark times, from the build this file is copied into.

import { utf8Decode } from '../../src/core/encoding.ts'
import { keyringOf } from '../../src/core/keys.ts'
import { resolveOptions } from '../../src/core/options.ts'
import { openValue } from '../../src/core/read.ts'
import { SESSION_ID_BYTES } from '../../src/core/sizes.ts'
import { tokenCodec } from '../../src/core/token.ts'
import type { Mode, TokenLike } from './api.ts'
import { buildApi } from './common.ts'

async function token(mode: Mode, name: string, secret: string): Promise<TokenLike> {
  const config = resolveOptions({ secret, mode, cookie: { name } })
  const ring = await keyringOf(config.secrets, mode)()
  const codec = tokenCodec(name, mode)
  // The session draws its id (here, as a new session's does), no longer the codec.
  const sealBody = (body: string) => {
    const now = Math.floor(config.now())
    const sid = crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES))
    return codec.seal({ created: now, touched: now, sid, lifetime: undefined, body }, ring)
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
      const opened = await openValue({ config, codec }, value, ring, config.now())
      if (!opened.ok) throw new Error(opened.reason)
      return opened.loaded.data
    },
    openToken: unseal,
    bodyOf: async (value) => (await unseal(value)).body,
    stringify: (data) => config.serializer.stringify(data),
    utf8: utf8Decode,
  }
}

export const build = buildApi('core', token)
