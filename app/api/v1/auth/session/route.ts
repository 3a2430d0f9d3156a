import { route } from '../../../../../server/api/route.js';
import { sessionView } from '../../../../../server/api/session-view.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/auth/session: who am I, and the CSRF token for writes. */
export const GET = route({
  summary: 'The signed-in user, their role and the CSRF token for writes',
  role: 'viewer',
  allowPendingPasswordChange: true,
  handler: async ({ principal }) => sessionView(principal),
});
