/** Every /api/v1 router, in one list. */
import { router } from '../openapi.ts';
import { apiTokenRoutes } from './api-tokens.ts';
import { attachmentRoutes } from './attachments.ts';
import { authRoutes } from './auth.ts';
import { integrationRoutes } from './integrations.ts';
import { escalationRoutes } from './escalations.ts';
import { workflowRoutes } from './workflows.ts';
import { approvalRoutes } from './approvals.ts';
import { syncRoutes } from './sync.ts';
import { fieldMappingRoutes } from './field-mappings.ts';
import { priorityMapRoutes } from './priority-map.ts';
import { tagAllowListRoutes } from './tag-allow-list.ts';
import { requestRoutes } from './requests.ts';
import { savedViewRoutes } from './saved-views.ts';
import { customFieldRoutes } from './custom-fields.ts';
import { inboxRoutes } from './inboxes.ts';
import { serviceRoutes } from './services.ts';
import { streamRoutes } from './stream.ts';
import { userRoutes } from './users.ts';

export const apiRoutes = router();
for (const r of [
  authRoutes,
  apiTokenRoutes,
  requestRoutes,
  userRoutes,
  inboxRoutes,
  serviceRoutes,
  customFieldRoutes,
  integrationRoutes,
  escalationRoutes,
  workflowRoutes,
  approvalRoutes,
  syncRoutes,
  fieldMappingRoutes,
  priorityMapRoutes,
  tagAllowListRoutes,
  savedViewRoutes,
  streamRoutes,
  attachmentRoutes,
])
  apiRoutes.route('/', r);
