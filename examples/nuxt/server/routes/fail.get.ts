// The demo's checks (not part of the recipe): a route that changes the session, then fails:
// Nitro answers 500 and the change is not written.
export default defineEventHandler((event) => {
  event.context.session.set('count', -1)
  throw new Error('the route failed after changing the session')
})
