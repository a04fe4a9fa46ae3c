/** Fills {{request.title}}-style placeholders in workflow texts. Unknown placeholders are left visible, never guessed. */

export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z0-9_.]+)\s*\}\}/gi, (whole, key: string) => values[key] ?? whole);
}
