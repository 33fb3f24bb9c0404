import type { MailMessage } from '../mail/index.js';

/** The messages Larder mails, as plain text. Each says what to do if the reader did not ask for it. */
export const messages = {
  registrationLink(to: string, appUrl: string, link: string): MailMessage {
    return {
      to,
      subject: 'Finish creating your Larder account',
      text: [
        'To finish creating your Larder account, open this link within an hour:',
        '',
        link,
        '',
        `If you did not try to create an account at ${appUrl}, ignore this message: nothing happens without the link.`,
      ].join('\n'),
    };
  },

  registrationForTakenEmail(to: string, appUrl: string): MailMessage {
    return {
      to,
      subject: 'Someone tried to create a Larder account with your email',
      text: [
        `Someone, maybe you, tried to create a Larder account at ${appUrl} with this email address, which already has an account. Nothing was changed.`,
        '',
        `If it was you: log in at ${appUrl}/login, or if you forgot your password, get a new one at ${appUrl}/forgot.`,
        'If it was not you, you can ignore this message.',
      ].join('\n'),
    };
  },

  passwordResetLink(to: string, appUrl: string, link: string): MailMessage {
    return {
      to,
      subject: 'Choose a new Larder password',
      text: [
        'To choose a new password for your Larder account, open this link within an hour. It works once.',
        '',
        link,
        '',
        `If you did not ask for this at ${appUrl}, ignore this message: your password stays as it is.`,
      ].join('\n'),
    };
  },

  emailChangeLink(to: string, appUrl: string, link: string): MailMessage {
    return {
      to,
      subject: 'Confirm your new Larder email address',
      text: [
        'To use this address for your Larder account, open this link within an hour:',
        '',
        link,
        '',
        `If you did not ask for this at ${appUrl}, ignore this message.`,
      ].join('\n'),
    };
  },

  emailChangeRequested(to: string, appUrl: string, newEmail: string): MailMessage {
    return {
      to,
      subject: 'Your Larder email address is about to change',
      text: [
        `Someone logged in to your Larder account asked to change its email address to ${newEmail}. It changes only when that address confirms.`,
        '',
        `If this was not you, log in at ${appUrl}/login, change your password and use "Log out everywhere" on ${appUrl}/account.`,
      ].join('\n'),
    };
  },

  emailChangeToTakenAddress(to: string, appUrl: string): MailMessage {
    return {
      to,
      subject: 'Someone tried to move a Larder account to your email',
      text: [
        `Someone asked to move a Larder account at ${appUrl} to this email address, which already has an account of its own. Nothing was changed.`,
        'If it was not you, you can ignore this message.',
      ].join('\n'),
    };
  },
};
