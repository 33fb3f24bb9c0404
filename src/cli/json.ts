import type { User } from '../accounts/users.js';

/**
 * An account as commands print it with --json: snake_case keys, like every other
 * command and the API. `createdAt` and `timeZone` (the keys before) stay as aliases for
 * scripts written against them.
 */
export function userJson(user: User): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    plan: user.plan,
    time_zone: user.timeZone,
    created_at: user.createdAt,
    timeZone: user.timeZone,
    createdAt: user.createdAt,
  };
}
