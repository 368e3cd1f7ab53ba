import { z } from "zod";
import { ValidationError } from "./errors";

/**
 * Cursors handed to callers are opaque base64url JSON, so a connector can keep whatever
 * state its platform's pagination needs without callers depending on it.
 */
export function encodeCursor<T>(state: T): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch (error) {
    const issues = error instanceof z.ZodError ? error.issues : [];
    throw new ValidationError("Cursor is not one this connector issued", issues, { cause: error });
  }
}
