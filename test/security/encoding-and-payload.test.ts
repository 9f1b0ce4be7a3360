import { SerializationError, type SessionOptions } from 'sealed-session'
import { compression } from 'sealed-session/compression'
import { canCompress } from '../../src/core/deflate.ts'
import { ANY_REASON, craft, expectEmpty, expectValid, meta, probe } from '../attacker.ts'
import { deepEqual, describe, equal, match, notEqual, ok, rejects, test } from '../harness.ts'
import { bytes, request, send, T0, wrap } from '../helpers.ts'
import { issue, MODES, type SessionData, segments, token } from './shared.ts'

describe('SECURITY-CASES', () => {
  describe('Encoding and payload', () => {
    for (const mode of MODES) {
      test(`${mode}: standard base64, padding, inner whitespace, %-encoding, quotes and length % 4 == 1 give no session`, async () => {
        const p = probe({ mode })
        let tok = await token(mode)
        for (let i = 0; !(tok.includes('-') && tok.includes('_')) && i < 100; i++) tok = await token(mode)
        ok(tok.includes('-') && tok.includes('_'), 'a token with both URL-safe characters')
        const std = tok.replaceAll('-', '+').replaceAll('_', '/')
        const padded = tok
          .split('.')
          .map((s, i) => (i === 0 ? s : s + '='.repeat((4 - (s.length % 4)) % 4)))
          .join('.')
        const variants: [string, string][] = [
          ['standard alphabet', std],
          ['one + only', tok.replace('-', '+')],
          ['one / only', tok.replace('_', '/')],
          ['= appended', `${tok}=`],
          ['== appended', `${tok}==`],
          ['space inside', `${tok.slice(0, 20)} ${tok.slice(20)}`],
          ['tab inside', `${tok.slice(0, 20)}\t${tok.slice(20)}`],
          ['%-encoded character', tok.replace(tok[10]!, `%${tok.charCodeAt(10).toString(16)}`)],
          ['%-encoded whole', [...tok].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')],
          ['%2E for the dot', tok.replace('.', '%2E')],
          ['quoted', `"${tok}"`],
          ['half quoted', `"${tok}`],
          ['length % 4 == 1', tok + 'A'.repeat((5 - (segments(tok).at(-1)!.text.length % 4)) % 4 || 4)],
        ]
        for (const [what, v] of variants) {
          notEqual(v, tok, what)
          await expectEmpty(p, `session=${v}`, ANY_REASON, what)
        }
        if (padded !== tok) await expectEmpty(p, `session=${padded}`, 'malformed', 'padded segments')
        // Whitespace around a value is not part of it (RFC 6265bis 5.6 trims it): still valid.
        await expectValid(p, `session= ${tok} `)
        await expectValid(p, `session=\t${tok}`)
      })

      test(`${mode}: an authentic plaintext that is not UTF-8, not JSON, or not an object is payload`, async () => {
        const p = probe({ mode })
        const bodies: [string, Uint8Array][] = [
          ['invalid byte', Uint8Array.of(0xff, 0x7b, 0x7d)],
          ['overlong /', Uint8Array.of(0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d)],
          ['UTF-16 surrogate as UTF-8', Uint8Array.of(0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d)],
          ['truncated sequence', Uint8Array.of(0x7b, 0x22, 0xe2, 0x82, 0x22, 0x3a, 0x31, 0x7d)],
          ['byte order mark', Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)],
          ['UTF-16LE', Uint8Array.of(0x7b, 0, 0x7d, 0)],
        ]
        for (const text of [
          '',
          'not json',
          '{"a":1',
          '{"a":1}}',
          "{'a':1}",
          '[1,2]',
          '[]',
          '[{}]',
          '[{},{},{},{}]',
          '[{},{},[]]',
          '[{},1]',
          '[1,{}]',
          '[{},[]]',
          '"str"',
          'null',
          '42',
          'true',
          '{"a":1} x',
        ]) {
          bodies.push([JSON.stringify(text), bytes(text)])
        }
        for (const [what, body] of bodies) {
          const tok = await craft({ mode, meta: meta(T0), body })
          await expectEmpty(p, `session=${tok}`, 'payload', what)
        }
        // The control: the same crafting with a JSON object is accepted.
        await expectValid(p, `session=${await craft({ mode, meta: meta(T0), body: bytes('{"ok":1}') })}`)
      })
    }

    test('{"__proto__":{"admin":true}} inside a valid seal pollutes nothing', async () => {
      for (const mode of MODES) {
        const seen: Record<string, unknown>[] = []
        const app = wrap(
          (_r, s) => {
            seen.push({
              admin: s.get('admin'),
              has: s.has('admin'),
              dataAdmin: (s.data as { admin?: unknown }).admin,
              dataProto: Object.getPrototypeOf(s.data) === Object.prototype,
              flashAdmin: s.flash('admin'),
              plain: ({} as { admin?: unknown }).admin,
            })
            s.set('visits', 1) // and writing it back out pollutes nothing either
            return new Response(null)
          },
          { mode, now: () => T0 },
        )
        for (const body of [
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"admin":true}}}',
          '{"__proto__":{"__proto__":{"admin":true}}}',
          '[{"__proto__":{"admin":true}},{"__proto__":{"admin":true}}]',
        ]) {
          const tok = await craft({ mode, meta: meta(T0), body: bytes(body) })
          const { setCookies } = await send(app, `session=${tok}`)
          equal(setCookies.length, 1, 'the app writes')
          await send(app, setCookies[0]!.split(';')[0]!) // the rewritten cookie, read back
        }
        equal(seen.length, 8)
        const clean = {
          admin: undefined,
          has: false,
          dataAdmin: undefined,
          dataProto: true,
          flashAdmin: undefined,
          plain: undefined,
        }
        for (const s of seen) deepEqual(s, clean, mode)
      }
      equal(({} as { admin?: unknown }).admin, undefined)
      equal(Object.hasOwn(Object.prototype, 'admin'), false)
    })

    test('writing a BigInt, a cycle, a function, a Map or other non-JSON data throws ERR_SESSION_SERIALIZE, writing nothing', async () => {
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      class User {
        name = 'ada'
      }
      const values: [string, unknown][] = [
        ['BigInt', 1n],
        ['cycle', cycle],
        ['function', () => 1],
        ['Map', new Map([[1, 2]])],
        ['Set', new Set([1])],
        ['Date', new Date(T0)],
        ['NaN', Number.NaN],
        ['Infinity', Number.POSITIVE_INFINITY],
        ['Symbol', Symbol('s')],
        ['class instance', new User()],
        ['undefined in an array', [1, undefined]],
        ['Uint8Array', new Uint8Array(2)],
        ['nested BigInt', { a: [{ b: 2n }] }],
        ['RegExp', /x/],
      ]
      for (const [what, value] of values) {
        // After the handler: the wrapped handler rejects, so no response (and no cookie) exists.
        const app = wrap((_r, s) => {
          s.set('v', value)
          return new Response('ok')
        })
        const error = await rejects(app(request()), 'ERR_SESSION_SERIALIZE')
        ok(error instanceof SerializationError, what)
        match((error as Error).message, /^sealed-session: /, what)
        // Through save(): the app catches it where it happened and answers; nothing is written.
        const careful = wrap(async (_r, s) => {
          s.set('v', value)
          try {
            await s.save()
            return new Response('saved')
          } catch (e) {
            return new Response((e as SerializationError).code, { status: 400 })
          }
        })
        const sent = await send(careful)
        equal(sent.body, 'ERR_SESSION_SERIALIZE', what)
        deepEqual(sent.setCookies, [], `nothing half-written: ${what}`)
      }
    })

    test('emoji, lone surrogates and other non-ASCII values round-trip exactly in every mode', async () => {
      const strings = [
        '😀',
        '👩‍👩‍👧‍👦',
        '🏳️‍🌈',
        'é',
        'e\u0301',
        '中文字符',
        'عربى',
        '\u202eevil',
        '\u0000',
        '\u001f\u007f',
        '\uffff',
        '\ufeff',
        '\ud800',
        '\udfff',
        'a\u2028b\u2029c',
        '"\\/\b\f\n\r\t',
        '𝕊𝕖𝕤𝕤𝕚𝕠𝕟',
        'caf\u00e9 \u{1F36A}\u{1F469}\u200d\u{1F4BB} \ud7ff',
      ]
      // Numbers and nesting beside the strings: the whole value comes back as it was.
      const data: SessionData = { all: strings.join(''), list: strings, n: -0.5, deep: [{ k: '\u2028' }] }
      for (const [i, s] of strings.entries()) data[`k${i}${s}`] = s
      const configs: Partial<SessionOptions>[] = [{ mode: 'encrypted' }, { mode: 'signed' }]
      if (canCompress())
        configs.push(
          { mode: 'encrypted', compress: compression() },
          { mode: 'signed', compress: compression() },
        )
      for (const options of configs) {
        const cookie = await issue(options, data)
        const view = await expectValid(probe(options), cookie)
        deepEqual(view.data, data, JSON.stringify(options))
        for (const [i, s] of strings.entries()) equal((view.data.list as string[])[i], s)
      }
    })
  })
})
