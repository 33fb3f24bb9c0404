import type { FastifyInstance } from 'fastify';

/** GET /api/me: who the token acts for (scope `profile`: name and plan, not the email). */
export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/me',
    {
      schema: {
        operationId: 'getMe',
        summary: 'Who am I',
        description: "Returns the Larder account this app acts for: its id, the person's name and their plan (free or pro).",
        scopes: ['profile'],
        response: {
          200: {
            type: 'object',
            required: ['id', 'name', 'plan'],
            properties: { id: { type: 'string' }, name: { type: 'string' }, plan: { type: 'string', enum: ['free', 'pro'] } },
          },
        },
      },
    },
    async (request) => {
      const user = request.apiCaller!.user;
      return { id: user.id, name: user.name, plan: user.plan };
    },
  );
}
