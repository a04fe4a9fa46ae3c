/** Every Kustomer API call the emulator received, in order, for tests to assert on ("what did the client send?"). */
import type { FaultKind } from './faults.ts';

export interface CallRecord {
  seq: number;
  /** From the injected clock. */
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; null when empty. */
  body: unknown;
  /** What the caller got: null while in flight, 0 when the connection was dropped (lost_reply `close`). */
  status: number | null;
  /** What the emulator did before any fault changed the reply (a lost reply's real outcome). */
  handledStatus: number | null;
  keyId: string | null;
  /** Org name of the key, when the key was known. */
  org: string | null;
  fault: FaultKind | null;
}

export class CallLog {
  readonly calls: CallRecord[] = [];

  start(input: Pick<CallRecord, 'at' | 'method' | 'path' | 'query' | 'body'>): CallRecord {
    const call: CallRecord = { ...input, seq: this.calls.length + 1, status: null, handledStatus: null, keyId: null, org: null, fault: null };
    this.calls.push(call);
    return call;
  }

  clear(): void {
    this.calls.length = 0;
  }
}
