// server/routes/logout.post.ts
export default defineEventHandler((event) => {
  event.context.session.destroy()
  return sendRedirect(event, '/', 303)
})
