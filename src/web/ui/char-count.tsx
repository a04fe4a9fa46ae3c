/** "243 / 256" under a text control, read with it (point the control's aria-describedby at `id`); red past the limit. */

/** 50000 → "50,000": the same grouping wherever the app counts characters. */
export const count = (n: number) => n.toLocaleString('en-US');

export function CharCount({ id, length, max, testId }: { id: string; length: number; max: number; testId?: string }) {
  const over = length > max;
  const near = !over && length > max * 0.9;
  return (
    <div id={id} className={`char-count${over ? ' char-count-over' : near ? ' char-count-near' : ''}`} data-testid={testId}>
      {count(length)} / {count(max)}
      <span className="visually-hidden"> characters</span>
    </div>
  );
}
