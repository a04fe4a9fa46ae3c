/** The Kustomer emulator's public surface. */
export { createKustomerEmulator, CONTROL_PREFIX, type KustomerEmulator, type KustomerEmulatorOptions } from './create-emulator.ts';
export { serveEmulator, type ServeEmulatorOptions, type ServedEmulator } from './serve-emulator.ts';
export { seedDemoOrg, type DemoOrg } from './seed-demo-org.ts';
export type { EmulatorControl } from './emulator-control.ts';
export type { FaultKind, FaultSpec, ActiveFault } from './faults.ts';
export type { CallRecord } from './call-log.ts';
export type { DeliveryRecord, Deliver } from './webhook-dispatcher.ts';
export { signWebhookBody } from './webhook-dispatcher.ts';
export { ALL_ROLES } from './required-roles.ts';
export { LostReplyError } from './lost-reply-error.ts';
