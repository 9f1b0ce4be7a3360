import { base64urlDecode, base64urlEncode } from '../src/core/encoding.ts'
import { deepEqual, describe, equal, test } from './harness.ts'

describe('base64url', () => {
  test('round-trips every length from 0 to 64 and all byte values', () => {
    for (let n = 0; n <= 64; n++) {
      const input = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255)
      const text = base64urlEncode(input)
      equal(/^[A-Za-z0-9_-]*$/.test(text), true, `alphabet at length ${n}`)
      deepEqual(base64urlDecode(text), input, `length ${n}`)
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    deepEqual(base64urlDecode(base64urlEncode(all)), all)
  })

  test('matches RFC 4648 test vectors (unpadded, URL-safe)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [plain, encoded] of vectors) {
      equal(base64urlEncode(new TextEncoder().encode(plain)), encoded)
      equal(new TextDecoder().decode(base64urlDecode(encoded)), plain)
    }
    equal(base64urlEncode(Uint8Array.of(0xfb, 0xff)), '-_8')
  })

  test('rejects non-canonical input: padding, standard alphabet, whitespace, %, quotes, length % 4 == 1', () => {
    for (const bad of [
      'Zg==',
      'Zm8=',
      '+/8',
      'Zm 9v',
      ' Zm9v',
      'Zm9v\n',
      'Zm%39v',
      '"Zm9v"',
      'Zm9vY',
      'A',
      'Zm9v.',
    ]) {
      equal(base64urlDecode(bad), undefined, JSON.stringify(bad))
    }
  })

  test('rejects non-zero trailing bits, so one byte string has exactly one encoding', () => {
    equal(base64urlDecode('Zg') !== undefined, true)
    equal(base64urlDecode('Zh'), undefined)
    equal(base64urlDecode('Zm8') !== undefined, true)
    equal(base64urlDecode('Zm9'), undefined)
  })

  test('rejects characters beyond ASCII', () => {
    equal(base64urlDecode('Zm9v\u00e9A'), undefined)
    equal(base64urlDecode('Zm\u{1F600}'), undefined)
  })
})
