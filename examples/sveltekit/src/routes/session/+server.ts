// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import { json } from '@sveltejs/kit'
import type { RequestHandler } from './$types'

export const GET: RequestHandler = ({ locals: { session } }) =>
  json({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  })
