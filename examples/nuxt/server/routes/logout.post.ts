export default defineEventHandler((event) => {
  event.context.session.destroy()
  return sendRedirect(event, '/', 303)
})
