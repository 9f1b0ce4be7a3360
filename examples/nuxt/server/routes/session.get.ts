// The demo's checks (not part of the recipe): the session as JSON.
export default defineEventHandler(({ context: { session: s } }) => ({
  id: s.id,
  isNew: s.isNew,
  createdAt: new Date(s.createdAt).toISOString(),
  expiresAt: new Date(s.expiresAt).toISOString(),
  data: s.data,
}))
