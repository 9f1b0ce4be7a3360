// Rewrites `suite.js:line:column` in a stack to the test/*.ts or src/*.ts line it came from, for
// the runtimes that ignore the suite's inline source map: Bun (it maps only what it transpiles
// itself) and workerd (miniflare hands it the file as a module; its stacks name suite.js).
// Node (with source maps enabled) and Deno map the same stacks themselves.
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A function that maps the positions in `suite`'s stack frames; `code` is that file's text. */
export function stackMapper(suite, code) {
  const url = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code)
  if (!url) return (text) => text
  const json = new TextDecoder().decode(Uint8Array.from(atob(url[1]), (c) => c.charCodeAt(0)))
  const { sources, mappings } = JSON.parse(json)
  const base = `file://${suite}`
  const files = sources.map((s) => new URL(s, base).pathname)
  // Per generated line, the segments [column, source, line, column], in column order (VLQ).
  const lines = []
  const state = [0, 0, 0, 0]
  for (const line of mappings.split(';')) {
    const segments = []
    state[0] = 0
    for (const segment of line.split(',')) {
      if (!segment) continue
      const fields = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          fields.push(value & 1 ? -(value >> 1) : value >> 1)
          value = 0
          shift = 0
        }
      }
      for (let i = 0; i < Math.min(fields.length, 4); i++) state[i] += fields[i]
      if (fields.length >= 4) segments.push(state.slice())
    }
    lines.push(segments)
  }
  const escaped = suite.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const frame = new RegExp(`(?:file://)?${escaped}:(\\d+):(\\d+)`, 'g')
  return (text) =>
    text.replace(frame, (all, line, column) => {
      const found = lines[line - 1]?.findLast((s) => s[0] <= column - 1)
      return found ? `${files[found[1]]}:${found[2] + 1}:${found[3] + 1}` : all
    })
}
