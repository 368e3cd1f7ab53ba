/**
 * The one error vocabulary of server modules. A module throws a DomainError (or a subclass that
 * carries more, such as InvalidSetupError's field errors) and knows nothing of HTTP or tRPC; the
 * tRPC middleware in api/trpc.ts turns the code into the answer the client sees.
 */
export type DomainErrorKind =
  /** The row does not exist, or belongs to another tenant (the same answer, so existence doesn't leak). */
  | "NOT_FOUND"
  /** The request clashes with the current state (already running, already revoked, still pending). */
  | "CONFLICT"
  /** The input is well-formed but not acceptable (a confirmation that does not match, a last owner). */
  | "INVALID"
  /** A connection's setup (address, credentials, secret) cannot be used. */
  | "INVALID_SETUP"
  /** A tenant-given URL points somewhere Stockhook must not dial. */
  | "UNSAFE_URL"
  /** A single-use link that is invalid, used or expired. */
  | "INVALID_LINK"
  /** The caller may not do this. */
  | "FORBIDDEN"
  /** Too many attempts; try later. */
  | "RATE_LIMITED"
  /** A service Stockhook depends on (the mail server) is not answering; nothing was changed, try later. */
  | "UNAVAILABLE";

/**
 * `kind`, not `code`: Node (errno), Prisma (P2002) and the address checks read an error's `code`
 * as a system code and print it, and a domain error must not read as one.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DomainError";
  }
}

/** The row, or a NOT_FOUND DomainError with `message` when the query found nothing. */
export async function findOrThrow<T>(
  query: PromiseLike<T | null | undefined> | T | null | undefined,
  message: string,
): Promise<T> {
  const row = await query;
  if (row === null || row === undefined) throw new DomainError("NOT_FOUND", message);
  return row;
}
