import type { FastifyInstance } from 'fastify';
import { callerOf } from '../api/caller.js';
import { restSchema } from '../api/rest-route.js';
import {
  addDiaryEntryOperation,
  addEntry,
  deleteDiaryEntryOperation,
  deleteEntry,
  diaryDay,
  listDiaryEntriesOperation,
  type AddDiaryEntryInput,
  type DiaryOperationsDeps,
} from './operations.js';
import { daySummary, getDiarySummaryOperation } from './summary.js';

/** The food diary API: add, read, total and delete a person's own entries; a schema and one call each. */
export async function diaryRoutes(api: FastifyInstance, deps: DiaryOperationsDeps): Promise<void> {
  api.post<{ Body: AddDiaryEntryInput }>(
    '/api/diary',
    {
      schema: restSchema(addDiaryEntryOperation, {
        input: 'body',
        success: { 201: 'The entry as stored.', 200: 'A retried request: the entry already stored.' },
        errors: [400, 404, 409],
      }),
    },
    async (request, reply) => {
      // The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header) wins over the body field.
      const header = request.headers['idempotency-key'];
      const headerKey = typeof header === 'string' && header.trim() !== '' ? header.trim().slice(0, 200) : undefined;
      const input = headerKey === undefined ? request.body : { ...request.body, idempotency_key: headerKey };
      const { entry, replayed } = await addEntry(deps, callerOf(request), input);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(entry);
    },
  );

  api.get<{ Querystring: { date?: string } }>('/api/diary', { schema: restSchema(listDiaryEntriesOperation, { input: 'querystring', errors: [400] }) }, (request) =>
    diaryDay(deps, callerOf(request), request.query),
  );

  api.get<{ Querystring: { date?: string } }>('/api/diary/summary', { schema: restSchema(getDiarySummaryOperation, { input: 'querystring', errors: [400] }) }, (request) =>
    daySummary(deps, callerOf(request), request.query),
  );

  api.delete<{ Params: { id: string } }>('/api/diary/:id', { schema: restSchema(deleteDiaryEntryOperation, { input: 'params', errors: [404] }) }, (request) =>
    deleteEntry(deps, callerOf(request), request.params),
  );
}
