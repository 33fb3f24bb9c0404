/** JSON schemas every API route shares (responses are documented in OpenAPI from these). */
export const errorSchema = {
  type: 'object',
  required: ['error', 'error_description'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
} as const;

export const nutritionSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'amount', 'unit'],
    properties: { name: { type: 'string' }, amount: { type: 'number' }, unit: { type: 'string' } },
  },
} as const;
