/**
 * Test harness for the emulator's own tests: an emulator on a hand-driven clock, a seeded "acme" org, and a small
 * `api()` caller that returns status, headers and parsed JSON. Tests advance the clock; they never sleep.
 */
import { afterAll, beforeEach } from 'vitest';
import { createKustomerEmulator, type KustomerEmulator } from './create-emulator.ts';
import { seedDemoOrg, type DemoOrg } from './seed-demo-org.ts';
import { serveEmulator } from './serve-emulator.ts';
import type { Deliver } from './webhook-dispatcher.ts';

/** 10 seconds into a minute window, so a window's end is 50 s away. */
export const T0 = new Date('2025-03-21T12:00:10.000Z');

export interface ApiCallInit {
  /** Bearer key; null sends no Authorization header. (Default: the demo org's all-roles key.) */
  key?: string | null;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string;
  /** (Default: acme.api.kustomerapp.com.) */
  host?: string;
  signal?: AbortSignal;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  /** Parsed JSON, untyped: tests read deep into replies; wire-contract.test.ts checks the shapes. */
  body: any;
}

/** Calls a /__emulator/ control over the fetch handler, as a demo script or e2e test would. */
export function controlCaller(emulator: KustomerEmulator) {
  return async (method: string, path: string, body?: unknown): Promise<Omit<ApiReply, 'headers'>> => {
    const res = await emulator.fetch(
      new Request(`http://localhost/__emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: await res.json() };
  };
}

/** A clock that moves only when a test moves it. */
function handClock(start: Date) {
  let nowMs = start.getTime();
  return { now: () => new Date(nowMs), advance: (ms: number) => void (nowMs += ms), reset: () => void (nowMs = start.getTime()) };
}

export function createTestEmulator(opts: { deliver?: Deliver; random?: () => number; webhookSigning?: boolean; webhookFailuresBeforeDisable?: number } = {}) {
  const clock = handClock(T0);
  const emulator = createKustomerEmulator({
    now: clock.now,
    deliver: opts.deliver ?? (async () => new Response(null, { status: 204 })),
    random: opts.random,
    webhookSigning: opts.webhookSigning,
    webhookFailuresBeforeDisable: opts.webhookFailuresBeforeDisable,
  });
  const { control } = emulator;
  const demo = seedDemoOrg(control, { name: 'acme' });

  function request(method: string, path: string, init: ApiCallInit = {}): Request {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? demo.apiKey}`;
    const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    return new Request(`http://${init.host ?? 'acme.api.kustomerapp.com'}${path}`, { method, headers, body, signal: init.signal });
  }

  async function api(method: string, path: string, init: ApiCallInit = {}): Promise<ApiReply> {
    const res = await emulator.fetch(request(method, path, init));
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  let customers = 0;
  async function createCustomer(email = `customer${++customers}@example.com`) {
    const r = await api('POST', '/v1/customers', { body: { name: `Customer ${customers}`, emails: [{ type: 'work', email }] } });
    if (r.status !== 201) throw new Error(`customer create failed: ${JSON.stringify(r.body)}`);
    return r.body.data.id as string;
  }

  async function createConversation(body: Record<string, unknown> = {}) {
    const customer = (body.customer as string | undefined) ?? (await createCustomer());
    const r = await api('POST', '/v1/conversations', { body: { customer, name: 'Help needed', ...body } });
    if (r.status !== 201) throw new Error(`conversation create failed: ${JSON.stringify(r.body)}`);
    return r.body.data as { id: string; attributes: Record<string, unknown>; relationships: Record<string, { data: { id: string } }> };
  }

  return { emulator, control, controlApi: controlCaller(emulator), clock, demo, request, api, createCustomer, createConversation };
}

/** For a test file: one object whose fields are a fresh test emulator's, replaced before each test. */
export function testEmulatorEachTest(): ReturnType<typeof createTestEmulator> {
  const t = {} as ReturnType<typeof createTestEmulator>;
  beforeEach(() => void Object.assign(t, createTestEmulator()));
  return t;
}

/**
 * For a test file of real HTTP transfers: the emulator served on a free port, on a hand-driven clock, both starting
 * again before each test (the clock at `start`, the emulator reset with a fresh "acme" demo org in `demo`).
 */
export async function servedEmulatorEachTest(start: Date) {
  const clock = handClock(start);
  const emulator = await serveEmulator({ port: 0, now: clock.now });
  afterAll(() => emulator.close());
  const demo = {} as DemoOrg;
  beforeEach(() => {
    clock.reset();
    emulator.control.reset();
    Object.assign(demo, seedDemoOrg(emulator.control, { name: 'acme' }));
  });
  return { emulator, clock, demo };
}
