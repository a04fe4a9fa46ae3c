/** Fills {{request.title}}-style placeholders in workflow texts. Unknown placeholders are left visible, never guessed. */

export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z0-9_.]+)\s*\}\}/gi, (whole, key: string) => values[key] ?? whole);
}

export const TEMPLATE_KEYS = [
  'request.key',
  'request.title',
  'request.description',
  'request.priority',
  'request.status',
  'request.service',
  'request.tags',
  'request.link',
  'requester.name',
  'requester.email',
  'workflow.name',
] as const;
