import { demoSession } from '../../lib/session'

export async function POST(): Promise<Response> {
  const session = await demoSession()
  session.destroy()
  await session.save()
  return new Response(null, { status: 303, headers: { location: '/' } })
}
