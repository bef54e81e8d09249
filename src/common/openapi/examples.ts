type Json = Record<string, any>;

const FORMATS: Record<string, string> = {
  'date-time': '2026-11-23T16:53:12.123Z',
  date: '2026-12-04',
  email: 'sam.okafor@keystone.example',
  uri: 'https://hooks.example.com/sitesim',
  binary: '',
};

/**
 * A value that fits the schema, built from it: the schema's own `example`
 * where one is given, else the first enum value, the format's sample, the
 * minimum, and every property of an object (optional ones too).
 */
export function exampleOf(schema: Json, resolve: (ref: string) => Json, depth = 0): unknown {
  if (!schema || depth > 12) return null;
  if (schema.$ref) return exampleOf(resolve(schema.$ref), resolve, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.allOf) return exampleOf(schema.allOf[0], resolve, depth + 1);
  if (schema.anyOf || schema.oneOf) return exampleOf((schema.anyOf ?? schema.oneOf)[0], resolve, depth + 1);
  switch (schema.type) {
    case 'object': {
      if (!schema.properties) return {};
      const out: Json = {};
      for (const [k, v] of Object.entries(schema.properties as Json)) out[k] = exampleOf(v, resolve, depth + 1);
      return out;
    }
    case 'array':
      return schema.items ? [exampleOf(schema.items, resolve, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(0, schema.maximum) : 1);
    case 'boolean':
      return false;
    case 'string':
      if (schema.format && FORMATS[schema.format] !== undefined) return FORMATS[schema.format];
      return 'text'.padEnd(schema.minLength ?? 0, 'x');
    default:
      return schema.nullable ? null : {};
  }
}
