/**
 * A mistake in the user's input (a stack file, a flag). The command line prints its lines and
 * exits 2, without a stack trace, and writes nothing.
 */
export class UserError extends Error {
  constructor(public readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'UserError';
  }
}
