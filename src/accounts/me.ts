import type { Caller } from '../api/caller.js';
import type { Operation } from '../api/operation.js';
import { PLANS, type Plan } from './plans.js';

export interface MeJson {
  id: string;
  name: string;
  plan: Plan;
}

export const getMeOperation: Operation = {
  id: 'getMe',
  scopes: ['profile'],
  writes: false,
  document: () => ({
    summary: 'Who am I',
    description: "Returns the Larder account this app acts for: its id, the person's name and their plan (free or pro).",
    input: { type: 'object', properties: {} },
    output: {
      type: 'object',
      required: ['id', 'name', 'plan'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, plan: { type: 'string', enum: [...PLANS] } },
    },
  }),
  activity: () => ({}),
};

/** Who the token acts for (scope `profile`): name and plan, never the email. */
export function describeMe(caller: Caller): MeJson {
  const { user } = caller;
  return { id: user.id, name: user.name, plan: user.plan };
}
