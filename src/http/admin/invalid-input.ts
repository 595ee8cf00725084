// A 422 that carries every problem with its path, so the console can show each one next to its field.
import { CodedError } from '../../errors.ts';

export interface InputIssue {
  path: string;
  message: string;
}

export class InvalidInputError extends CodedError {
  readonly issues: InputIssue[];
  constructor(issues: InputIssue[], message = 'The input is invalid') {
    super('invalid_input', message, { status: 422 });
    this.issues = issues;
  }
}
