/** The wake-up times offered when an agent sets a request with a linked conversation to waiting. Local time; pure. */

const at9 = (d: Date) => {
  const x = new Date(d);
  x.setHours(9, 0, 0, 0);
  return x;
};
const addDays = (d: Date, n: number) => {
  const x = new Date(d);
  x.setDate(x.getDate() + n);
  return x;
};

export interface WakePreset {
  key: 'tomorrow' | 'in3days' | 'nextMonday';
  label: string;
  at: Date;
}

export function wakePresets(now: Date): WakePreset[] {
  // Monday after today (a Monday asks for the next one, a week ahead).
  const toMonday = (8 - now.getDay()) % 7 || 7;
  return [
    { key: 'tomorrow', label: 'Tomorrow 9:00', at: at9(addDays(now, 1)) },
    { key: 'in3days', label: 'In 3 days', at: at9(addDays(now, 3)) },
    { key: 'nextMonday', label: 'Next Monday 9:00', at: at9(addDays(now, toMonday)) },
  ];
}

/** A Date as the value of an <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The input's value back to a Date; null when empty or not a time. */
export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
