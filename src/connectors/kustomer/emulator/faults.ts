/**
 * Scripted failures for tests and demos, applied to Kustomer API calls (never to /__emulator/ controls) before
 * authentication, as a gateway or an overloaded backend would fail them. A fault applies to the next `count`
 * matching calls, or to a `share` of them (drawn with the injected random source); the first matching fault wins.
 */
import { randomUUID } from 'node:crypto';

export type FaultKind = '429' | '500' | '503' | 'slow' | 'lost_reply';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching calls fail. (Default: 1; unlimited when only `share` is given.) */
  count?: number;
  /** Fraction 0..1 of matching calls that fail. (Default: all.) */
  share?: number;
  /** Only calls with this HTTP method (case-insensitive). */
  method?: string;
  /** Only calls whose path starts with this, e.g. `/v1/conversations`. */
  pathPrefix?: string;
  /** `429`: when the limit resets, sent as x-ratelimit-reset. (Default: the end of the current minute window.) */
  resetAt?: string | Date;
  /** `slow`: how long the reply is held after the call is handled, in real milliseconds. (Default: 30000.) */
  delayMs?: number;
  /** `lost_reply`: `502` answers 502 with no body; `close` drops the connection (in-process: fetch rejects). (Default: 502.) */
  reply?: '502' | 'close';
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Calls still to fail; null = no limit. */
  remaining: number | null;
  applied: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number) {}

  inject(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: randomUUID(), remaining: spec.count ?? (spec.share !== undefined ? null : 1), applied: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The fault that hits this call, if any (and counts it). */
  take(method: string, path: string): ActiveFault | null {
    for (const f of this.faults) {
      if (f.remaining === 0) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.pathPrefix && !path.startsWith(f.pathPrefix)) continue;
      if (f.share !== undefined && this.random() >= f.share) continue;
      if (f.remaining !== null) f.remaining -= 1;
      f.applied += 1;
      return f;
    }
    return null;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(id?: string): void {
    this.faults = id ? this.faults.filter((f) => f.id !== id) : [];
  }
}
