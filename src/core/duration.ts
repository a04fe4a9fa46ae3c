/** A duration in minutes as people read it, for run summaries and the editor alike. Pure. */

const plural = (n: number, one: string) => (n === 1 ? one : `${one}s`);

/** 90 → "1 h 30 min", 2880 → "2 days". */
export function durationText(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '—';
  if (minutes % 1440 === 0) return `${minutes / 1440} ${plural(minutes / 1440, 'day')}`;
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  if (h === 0) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
