import { logIn } from '../../lib/login'
import type { RequestHandler } from './$types'

// Posts that do not ask for HTML (Accept: */*, as scripts and the demo's checks send) reach this
// endpoint rather than the form action, which would answer them in JSON (content negotiation).
export const POST: RequestHandler = ({ request, locals }) => logIn(request, locals.session)
