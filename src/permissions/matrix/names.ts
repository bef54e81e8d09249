import type { Level, Tool } from '../permission.types';

export const TOOL_NAMES: Record<Tool, string> = {
  company_directory: 'Directory (company)',
  company_admin: 'Admin (company)',
  admin: 'Admin',
  directory: 'Directory',
  rfis: 'RFIs',
  submittals: 'Submittals',
  budget: 'Budget',
  prime_contracts: 'Prime Contracts',
  commitments: 'Commitments',
  change_orders: 'Change Orders',
  photos: 'Photos',
  drawings: 'Drawings',
};

export const LEVEL_NAMES: Record<Level, string> = {
  none: 'None',
  read_only: 'Read Only',
  standard: 'Standard',
  admin: 'Admin',
};

/** "Standard or Admin", "Admin", "Read Only, Standard or Admin". */
export function levelsFrom(level: Level): string {
  const order: Level[] = ['read_only', 'standard', 'admin'];
  const names = order.slice(order.indexOf(level)).map((l) => LEVEL_NAMES[l]);
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
