export const SCOPES = [
  'invoices:write',
  'credit-notes:write',
  'statuses:write',
  'remittances:write',
  'operations:read',
  'operations:replay',
  'audit:read',
  'webhooks:manage',
  'connections:manage',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
