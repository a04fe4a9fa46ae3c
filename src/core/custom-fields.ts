/** Custom field definitions and the rules for the values requests carry. */
import { unprocessable } from './errors.ts';

export const CUSTOM_FIELD_TYPES = ['text', 'long_text', 'number', 'select', 'date', 'checkbox', 'person'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
  /** null: applies to every service. */
  serviceIds: string[] | null;
  active: boolean;
}

export type CustomFieldValue = string | number | boolean | null;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TEXT_MAX = 1000;
export const LONG_TEXT_MAX = 20_000;

/** Returns an error message for a value that does not fit the field, or null when it fits. */
export function checkFieldValue(def: CustomFieldDefinition, value: unknown): string | null {
  if (value === null) return null;
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= TEXT_MAX ? null : `must be text of at most ${TEXT_MAX} characters`;
    case 'long_text':
      return typeof value === 'string' && value.length <= LONG_TEXT_MAX ? null : `must be text of at most ${LONG_TEXT_MAX} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? null : `must be one of: ${def.options.join(', ')}`;
    case 'date':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? null : 'must be a date (YYYY-MM-DD)';
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'person':
      return typeof value === 'string' && UUID.test(value) ? null : 'must be a user id';
  }
}

export function fieldApplies(def: CustomFieldDefinition, serviceId: string | null): boolean {
  return def.active && (def.serviceIds === null || (serviceId !== null && def.serviceIds.includes(serviceId)));
}

/**
 * Validates a set of values against the definitions for a request's service and merges them over the current ones.
 * Unknown keys, wrong types and (when `enforceRequired`) missing required values are reported together.
 */
export function mergeFieldValues(
  defs: CustomFieldDefinition[],
  serviceId: string | null,
  current: Record<string, CustomFieldValue>,
  incoming: Record<string, unknown>,
  enforceRequired: boolean,
): Record<string, CustomFieldValue> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const problems: Record<string, string> = {};
  const merged: Record<string, CustomFieldValue> = { ...current };
  for (const [key, value] of Object.entries(incoming)) {
    const def = byKey.get(key);
    if (!def || !def.active) {
      problems[key] = 'is not a custom field';
      continue;
    }
    if (!fieldApplies(def, serviceId)) {
      problems[key] = 'does not apply to this service';
      continue;
    }
    const problem = checkFieldValue(def, value);
    if (problem) problems[key] = problem;
    else if (value === null) delete merged[key];
    else merged[key] = value as CustomFieldValue;
  }
  if (enforceRequired) {
    for (const def of defs) {
      if (def.required && fieldApplies(def, serviceId) && (merged[def.key] === undefined || merged[def.key] === '')) {
        problems[def.key] ??= 'is required';
      }
    }
  }
  if (Object.keys(problems).length) {
    throw unprocessable('Some custom field values are not valid', { fields: problems });
  }
  return merged;
}
