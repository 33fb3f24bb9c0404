import type { Config } from '../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text: what every mail client shows, and nothing to escape. */
  text: string;
}

/** Sends Larder's few messages (confirmations, notices, reset links) through SMTP_URL. */
export interface Mailer {
  readonly from: string;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * The SMTP mailer when SMTP_URL is set, else undefined: Larder runs without mail, and
 * the pages then say an operator issues reset links (`larder users:reset-link`).
 *
 * nodemailer is loaded only then (some 150 ms at start otherwise).
 *
 * @example const mailer = await createMailer(config.mail); await mailer?.send({ to, subject, text });
 */
export async function createMailer(mail: Config['mail']): Promise<Mailer | undefined> {
  if (!mail) return undefined;
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(mail.smtpUrl, { from: mail.from });
  return {
    from: mail.from,
    async send(message) {
      await transport.sendMail({ from: mail.from, to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}
