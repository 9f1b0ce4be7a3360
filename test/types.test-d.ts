// Type tests: checked by `tsc` in `npm test` (npm run check), never run. Each `@ts-expect-error`
// is a line that must NOT compile; if it ever compiles, tsc reports the directive as unused.
import { Hono } from 'hono'
import {
  createSessionStore,
  type Serializer,
  type Session,
  type SessionStore,
  withSession,
} from 'sealed-session'
import { type SessionEnv, session } from 'sealed-session/hono'
import { session as sveltekitSession } from 'sealed-session/sveltekit'

const secret = 'type-test-secret-0123456789-abcdefghijklmnop'

// --- Data declared as an interface (no index signature) is accepted ------------------------
interface User {
  user: string
  roles: string[]
  visits?: number
}
const users = createSessionStore<User>({ secret })
export async function interfaces(request: Request): Promise<void> {
  const s = await users.load(request)
  const name: string | undefined = s.get('user')
  s.set('visits', (s.get('visits') ?? 0) + 1)
  // @ts-expect-error a key the data does not declare
  s.get('nope')
  // @ts-expect-error a value of the wrong type
  s.set('user', 42)
  void name
}

// --- With the default serializer, only JSON-safe data type-checks ------------------------
const json = createSessionStore({ secret })
export async function jsonOnly(request: Request): Promise<void> {
  const s = await json.load(request)
  s.set('n', 1)
  s.set('nested', { a: [1, 'two', null, { b: true }] })
  // @ts-expect-error a Date is not JSON: caught here, not as a SerializationError later
  s.set('when', new Date())
  // @ts-expect-error nor is a Map
  s.set('map', new Map())
  // @ts-expect-error nor a bigint
  s.set('big', 1n)
}
interface WithDate {
  when: Date
}
// @ts-expect-error data with a Date needs a serializer of its own
createSessionStore<WithDate>({ secret })
declare const superjson: Serializer
createSessionStore<WithDate>({ secret, serializer: superjson })

// --- Flash messages are typed --------------------------------------------------------------
interface Notices {
  notice: string
  errors: string[]
}
const flashing = createSessionStore<User, Notices>({ secret })
export async function flashes(request: Request): Promise<void> {
  const s = await flashing.load(request)
  s.flash('notice', 'Saved')
  const errors: string[] | undefined = s.flash('errors')
  // @ts-expect-error a flash message that is not declared
  s.flash('unknown', 'x')
  // @ts-expect-error a flash value of the wrong type
  s.flash('notice', 42)
  void errors
}

// --- withSession infers the runtime's arguments from the handler --------------------------
interface Env {
  SESSION_SECRET: string
}
interface Ctx {
  waitUntil(promise: Promise<unknown>): void
}
export const worker = {
  fetch: withSession(
    async (_request, session: Session<User>, env: Env, ctx: Ctx) => {
      ctx.waitUntil(Promise.resolve(env.SESSION_SECRET))
      session.set('user', 'ada')
      return new Response(session.get('user'))
    },
    (_request, env) => ({ secret: env.SESSION_SECRET }),
  ),
}
// The returned handler has the runtime's shape, env and ctx included.
export const called: Promise<Response> = worker.fetch(
  new Request('http://x/'),
  { SESSION_SECRET: secret },
  {
    waitUntil() {},
  },
)
withSession(
  async (_request, _session: Session<User>, env: Env) => new Response(env.SESSION_SECRET),
  // @ts-expect-error the options function sees the same env type: a typo does not compile
  (_request, env) => ({ secret: env.SESSION_SECRT }),
)
withSession(
  // @ts-expect-error a handler must return a Response
  async () => 'text',
  { secret },
)

// --- store.handle keeps the runtime's arguments too ----------------------------------------
export const handled: (request: Request, env: Env) => Promise<Response> = users.handle(
  async (_request, s, env: Env) => new Response(`${s.get('user')} ${env.SESSION_SECRET}`),
)

// --- Hono: the options callback sees the app's Env; named sessions are typed ---------------
type AppEnv = SessionEnv<User> & { Bindings: Env }
const app = new Hono<AppEnv>()
app.use(session<AppEnv>((c) => ({ secret: c.env.SESSION_SECRET })))
// @ts-expect-error c.env is the app's Bindings: a typo does not compile
app.use(session<AppEnv>((c) => ({ secret: c.env.SESSION_SECRT })))
app.get('/', (c) => {
  const user: string | undefined = c.var.session.get('user')
  // @ts-expect-error the session's data is typed through the app's Env
  c.var.session.set('user', 1)
  return c.text(user ?? '')
})

type TwoSessions = SessionEnv<User, 'auth'> & SessionEnv<{ theme: string }, 'prefs'> & { Bindings: Env }
const two = new Hono<TwoSessions>()
two.use(
  session<TwoSessions, 'auth'>((c) => ({ secret: c.env.SESSION_SECRET, cookie: { name: '__Host-auth' } }), {
    key: 'auth',
  }),
)
two.use(
  session<TwoSessions, 'prefs'>({ secret, cookie: { name: 'prefs' }, mode: 'signed' }, { key: 'prefs' }),
)
two.get('/', (c) => {
  const theme: string | undefined = c.var.prefs.get('theme')
  // @ts-expect-error `auth` holds User, which has no theme
  c.var.auth.get('theme')
  return c.text(`${c.var.auth.get('user')} ${theme}`)
})

// --- Options: unknown keys are refused at run time, and mistyped ones at compile time -------
// @ts-expect-error `maxage` is not an option (the run-time check names `maxAge`)
createSessionStore({ secret, maxage: 60 })
// @ts-expect-error lifetimes are numbers of seconds
createSessionStore({ secret, maxAge: '1d' })

// --- A store is a value any framework glue can hold -----------------------------------------
export const stores: SessionStore<User>[] = [users]

// --- SvelteKit: the hook fits a Handle only when App.Locals declares its session -------------
type KitEvent<Locals> = { request: Request; locals: Locals; url: URL }
type KitHandle<Locals> = (input: {
  event: KitEvent<Locals>
  resolve: (event: KitEvent<Locals>, opts?: object) => Response | Promise<Response>
}) => Response | Promise<Response>
export const declared: KitHandle<{ session: Session<{ n: number }> }> = sveltekitSession({ secret })
export const named: KitHandle<{ auth: Session<{ user: string }> }> = sveltekitSession(
  { secret },
  { key: 'auth' },
)
// @ts-expect-error App.Locals has no `session`
export const undeclared: KitHandle<{ user: string }> = sveltekitSession({ secret })
// @ts-expect-error App.Locals declares `session`, but not as a Session
export const mistyped: KitHandle<{ session: string }> = sveltekitSession({ secret })

// Extensions come from their factories only: the brand is part of their type.
createSessionStore({
  secret: 'x',
  // @ts-expect-error a number is not a legacy reader
  legacy: [42],
})
createSessionStore({
  secret: 'x',
  // @ts-expect-error a plain object is not chunking(n)
  chunks: { max: 3 },
})
createSessionStore({
  secret: 'x',
  // @ts-expect-error a plain object is not compression()
  compress: { pack: async () => undefined },
})
createSessionStore({
  secret: 'x',
  // @ts-expect-error a plain object is not a gate
  revocation: { name: 'revocation', setup: () => ({ admit: () => undefined }) },
})
