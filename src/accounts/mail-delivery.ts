import type { FastifyRequest } from 'fastify';
import { LIMITS, ruleKey } from '../limits/index.js';
import type { MailMessage } from '../mail/index.js';
import { accountsContext } from './context.js';
import { normalizeEmail } from './users.js';

/**
 * Sends a message without making the request wait for the SMTP server: a reply must take
 * the same time whichever message (or none) an email gets, or timing would tell which
 * emails have accounts. At most LIMITS.mailRecipient messages go to one address an hour,
 * so nobody can use Larder to flood an inbox. Failures are logged, never shown.
 */
export async function deliverInBackground(request: FastifyRequest, message: MailMessage): Promise<void> {
  const { mailer, limiter } = accountsContext(request);
  if (!mailer) return;
  const rule = LIMITS.mailRecipient;
  const decision = await limiter.consume(ruleKey(rule, normalizeEmail(message.to)), rule.limit, rule.windowSeconds);
  if (!decision.allowed) {
    request.log.warn({ subject: message.subject }, 'mail not sent: too many messages to one address this hour');
    return;
  }
  mailer.send(message).catch((error: unknown) => {
    request.log.error({ err: error, subject: message.subject }, 'mail could not be sent');
  });
}
