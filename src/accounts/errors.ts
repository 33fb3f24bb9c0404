import { LarderError } from '../errors.js';

/** Form fields an account error can point at, so a page shows the message beside the field. */
export type AccountField = 'email' | 'name' | 'password' | 'plan';

/**
 * Input an account cannot be created or changed with. `fields` holds one message per
 * offending field; the error's message joins them for the CLI and the API.
 */
export class AccountInputError extends LarderError {
  readonly fields: Partial<Record<AccountField, string>>;

  constructor(fields: Partial<Record<AccountField, string>>, code = 'invalid_request', status = 400) {
    super(code, status, Object.values(fields).join(' '));
    this.name = 'AccountInputError';
    this.fields = fields;
  }
}

export class EmailTakenError extends AccountInputError {
  constructor() {
    super({ email: 'An account with this email already exists. Log in instead, or use another email.' }, 'email_taken', 409);
  }
}

export class UserNotFoundError extends LarderError {
  constructor(email: string) {
    super('user_not_found', 404, `No account has the email ${email}.`);
  }
}

/** A form arrived without the token its page carried: possibly a cross-site forgery. Nothing was changed. */
export class CsrfError extends LarderError {
  constructor() {
    super(
      'csrf_failed',
      403,
      'This form could not be accepted because its security token is missing or out of date. Nothing was changed. Go back, reload the page and try again.',
    );
  }
}
