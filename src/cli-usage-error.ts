/** Bad input to the `bant` CLI: exit 2 with this message (it names the file, line and field). */
export class UsageError extends Error {}
