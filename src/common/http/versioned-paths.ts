/** Project resources that answer under v1.0 and v1.1 with the same handlers, as on the reference platform (submittals, uploads). */
export const underBothVersions = (resource: string): string[] => [`rest/v1.0/projects/:project_id/${resource}`, `rest/v1.1/projects/:project_id/${resource}`];
