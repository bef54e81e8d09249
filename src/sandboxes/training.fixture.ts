import type { GranularKey, TemplateLevels } from '../permissions/permission.types';

/** The `training` sandbox as API.md fixes it: templates, vendors, personas, projects. */

export interface TemplateFixture {
  key: string;
  name: string;
  scope: 'company' | 'project';
  levels: TemplateLevels;
  granular: GranularKey[];
}

export const COMPANY_TEMPLATES: TemplateFixture[] = [
  {
    key: 'company_directory_admin',
    name: 'Company Directory Admin',
    scope: 'company',
    levels: { company_directory: 'admin', company_admin: 'admin' },
    granular: [],
  },
  {
    key: 'company_employee',
    name: 'Company Employee',
    scope: 'company',
    levels: { company_directory: 'read_only', company_admin: 'none' },
    granular: [],
  },
  {
    key: 'vendor_user',
    name: 'Vendor User',
    scope: 'company',
    levels: { company_directory: 'none', company_admin: 'none' },
    granular: [],
  },
];

export const PROJECT_TEMPLATES: TemplateFixture[] = [
  {
    key: 'project_manager',
    name: 'Project Manager',
    scope: 'project',
    levels: {
      rfis: 'admin',
      submittals: 'admin',
      budget: 'admin',
      prime_contracts: 'admin',
      commitments: 'admin',
      change_orders: 'admin',
      photos: 'admin',
      drawings: 'admin',
      directory: 'admin',
      admin: 'read_only',
    },
    granular: [],
  },
  {
    key: 'superintendent',
    name: 'Superintendent',
    scope: 'project',
    levels: {
      rfis: 'standard',
      submittals: 'standard',
      photos: 'standard',
      drawings: 'standard',
      budget: 'read_only',
      change_orders: 'read_only',
      // a GC superintendent reads the project's people (who is on site, whom to call)
      directory: 'read_only',
    },
    granular: ['rfis.act_as_rfi_manager', 'submittals.create_submittal', 'photos.create_album', 'drawings.upload_and_review_drawings'],
  },
  {
    key: 'subcontractor',
    name: 'Subcontractor',
    scope: 'project',
    levels: {
      rfis: 'standard',
      submittals: 'standard',
      photos: 'standard',
      drawings: 'read_only',
      budget: 'none',
      commitments: 'none',
      prime_contracts: 'none',
      change_orders: 'none',
    },
    granular: ['submittals.create_submittal'],
  },
  {
    key: 'architect',
    name: 'Architect',
    scope: 'project',
    levels: {
      rfis: 'standard',
      submittals: 'read_only',
      drawings: 'read_only',
      photos: 'read_only',
      budget: 'none',
      prime_contracts: 'none',
      commitments: 'none',
      change_orders: 'none',
    },
    granular: [],
  },
  {
    key: 'owner',
    name: 'Owner',
    scope: 'project',
    levels: {
      budget: 'read_only',
      change_orders: 'standard',
      prime_contracts: 'read_only',
      rfis: 'read_only',
      submittals: 'read_only',
      photos: 'read_only',
      drawings: 'read_only',
    },
    granular: [],
  },
];

export interface VendorFixture {
  key: string;
  name: string;
  trade: string | null;
  own: boolean;
}

export const VENDORS: VendorFixture[] = [
  { key: 'gc', name: 'Keystone Builders', trade: 'General Contractor', own: true },
  { key: 'electrical', name: 'Summit Electrical', trade: 'Electrical', own: false },
  { key: 'architect', name: 'Arcline Architects', trade: 'Architecture', own: false },
  { key: 'owner', name: 'Harbor Development', trade: 'Owner', own: false },
];

export type PersonaKey = 'company_admin' | 'gc_project_manager' | 'superintendent' | 'subcontractor' | 'architect' | 'owner_rep';

export interface PersonaFixture {
  key: PersonaKey;
  name: string;
  jobTitle: string;
  vendor: string;
  companyTemplate: string;
  /** Project template on the projects the persona is a member of. */
  projectTemplate: string | null;
  projects: ('first' | 'second')[];
}

export const PERSONAS: PersonaFixture[] = [
  { key: 'company_admin', name: 'Casey Admin', jobTitle: 'Company Administrator', vendor: 'gc', companyTemplate: 'company_directory_admin', projectTemplate: null, projects: [] },
  { key: 'gc_project_manager', name: 'Morgan Reyes', jobTitle: 'Project Manager', vendor: 'gc', companyTemplate: 'company_employee', projectTemplate: 'project_manager', projects: ['first', 'second'] },
  { key: 'superintendent', name: 'Sam Okafor', jobTitle: 'Superintendent', vendor: 'gc', companyTemplate: 'company_employee', projectTemplate: 'superintendent', projects: ['first', 'second'] },
  { key: 'subcontractor', name: 'Jordan Lee', jobTitle: 'Project Manager, Summit Electrical', vendor: 'electrical', companyTemplate: 'vendor_user', projectTemplate: 'subcontractor', projects: ['first'] },
  { key: 'architect', name: 'Avery Chen', jobTitle: 'Project Architect', vendor: 'architect', companyTemplate: 'company_employee', projectTemplate: 'architect', projects: ['first'] },
  { key: 'owner_rep', name: 'Riley Patel', jobTitle: "Owner's Representative", vendor: 'owner', companyTemplate: 'company_employee', projectTemplate: 'owner', projects: ['first', 'second'] },
];

export const PROJECTS = [
  { key: 'first', name: 'Riverside Medical Office Building', number: 'RMO-101', address: '1200 River Road' },
  { key: 'second', name: 'Harbor Logistics Warehouse', number: 'HLW-202', address: '88 Pier Street' },
] as const;

/** `/console/callback`: the training console's sign-in, on whichever address the server is reached by. */
export const TRAINING_REDIRECT_URIS = ['http://localhost:8765/callback', 'urn:ietf:wg:oauth:2.0:oob', '/console/callback'];
