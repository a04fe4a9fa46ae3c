/**
 * The catalog route tests' setup (inboxes, services, custom fields): a fresh app with an admin, an agent and a
 * requester, and records under names no other test uses, so tests sharing the database do not collide.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createTestApp } from './test-app.ts';

export const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
export const ids = (items: { id: string }[]) => items.map((i) => i.id);

let keyCounter = 0;
export const uniqueKey = (prefix: string) => `${prefix}_${++keyCounter}_${randomUUID().slice(0, 6).replace(/-/g, '')}`;

export async function createCatalogTestApp() {
  const t = await createTestApp();
  const admin = await t.createUser('admin');
  const agent = await t.createUser('agent');
  const requester = await t.createUser('requester');

  async function createInbox(body: Record<string, unknown> = {}) {
    const res = await t.api(admin, 'POST', '/api/v1/inboxes', { name: unique('Inbox'), ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; description: string; memberIds: string[] };
  }

  async function createService(body: Record<string, unknown> = {}) {
    const res = await t.api(admin, 'POST', '/api/v1/services', { name: unique('Service'), ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; description: string; defaultInboxId: string | null; active: boolean };
  }

  return { t, admin, agent, requester, createInbox, createService };
}
