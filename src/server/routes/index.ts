/** Every /api/v1 router, in one list. */
import { router } from '../openapi.ts';
import { apiTokenRoutes } from './api-tokens.ts';
import { authRoutes } from './auth.ts';
import { requestRoutes } from './requests.ts';

export const apiRoutes = router();
for (const r of [authRoutes, apiTokenRoutes, requestRoutes]) apiRoutes.route('/', r);
