import { demoSession } from '../../lib/session'

export async function GET(): Promise<Response> {
  const session = await demoSession()
  return Response.json({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  })
}
