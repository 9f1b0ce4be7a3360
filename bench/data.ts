// The session data every candidate seals: the same JSON at 56 B, 1 KB and 3 KB, shaped like real
// sessions (nested objects, arrays, numbers, strings) so serializers do realistic work.

export type Data = Record<string, unknown>

export const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF'
/** Cookie name for every candidate that lets us choose. */
export const NAME = 'session'

/** The 56-byte session from the README. */
const small: Data = { user: 'ada@example.com', role: 'admin', count: 123456 }

/** A session whose JSON is exactly `bytes` long: a cart and preferences, padded by a note. */
function sized(bytes: number): Data {
  const cart: Data[] = []
  const data: Data = {
    ...small,
    prefs: { theme: 'dark', lang: 'en-GB', tz: 'Europe/London' },
    cart,
    note: '',
  }
  for (let i = 0; JSON.stringify(data).length + 40 < bytes; i++) {
    cart.push({ sku: `SKU-${String(i).padStart(5, '0')}`, qty: (i % 3) + 1, price: 1999 + i })
  }
  data.note = 'n'.repeat(bytes - JSON.stringify(data).length)
  const length = JSON.stringify(data).length
  if (length !== bytes) throw new Error(`fixture is ${length} bytes, wanted ${bytes}`)
  return data
}

export const SIZES = ['56 B', '1 KB', '3 KB'] as const
export type Size = (typeof SIZES)[number]

/**
 * '3 KB' is 3,000 bytes: the largest round size whose sealed cookie still fits the 4096-byte
 * limit with this library (in both modes), so the same data also runs through the request path.
 */
export const DATA: Record<Size, Data> = { '56 B': small, '1 KB': sized(1024), '3 KB': sized(3000) }
if (JSON.stringify(small).length !== 56) throw new Error('the small fixture must be 56 bytes')
