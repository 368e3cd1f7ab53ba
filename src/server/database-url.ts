/**
 * The pool size a PostgreSQL URL asks for with `connection_limit` (Prisma's name for it), or
 * undefined for node-postgres's 10. Under a burst every statement waits for a free connection, a
 * quiet tenant's sale too (docs/operations.md#sizing).
 */
export function poolSizeOf(databaseUrl: string): number | undefined {
  const value = new URL(databaseUrl).searchParams.get("connection_limit");
  if (value === null) return undefined;
  if (!/^[1-9]\d{0,3}$/.test(value))
    throw new Error(`connection_limit must be a whole number from 1 to 9999, not "${value}"`);
  return Number(value);
}
