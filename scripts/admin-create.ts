// npm run admin:create -- <email> [--role SUPPORT|ADMIN] [--password …] [--name …]
// Creates a platform staff user, or promotes an existing user, and says which it did.
import { parseArgs } from "node:util";
import { createOrPromoteStaff } from "../src/server/support/platform-roles";
import { ensureLocalEnv } from "./lib/local-env";
import { openScriptDatabase } from "./lib/script-db";

const USAGE =
  "Usage: npm run admin:create -- <email> [--role SUPPORT|ADMIN] [--password <at least 8 characters>] [--name <display name>]";

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: "string", default: "ADMIN" }, password: { type: "string" }, name: { type: "string" } },
  });
  const role = values.role?.toUpperCase();
  if (positionals.length !== 1 || (role !== "SUPPORT" && role !== "ADMIN")) throw new Error(USAGE);
  return { email: positionals[0]!, role: role as "SUPPORT" | "ADMIN", password: values.password, name: values.name };
}

let input: ReturnType<typeof parse>;
try {
  input = parse();
} catch (error) {
  console.error(`[admin:create] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

ensureLocalEnv();
const database = openScriptDatabase();
try {
  const result = await createOrPromoteStaff(database.prisma, input);
  const password = result.passwordSet
    ? " with the password given"
    : result.created
      ? " without a password (sign in through OAuth, or run again with --password)"
      : "";
  console.log(
    result.created
      ? `[admin:create] Created ${result.email} as ${result.role}${password} in ${database.description}.`
      : `[admin:create] ${result.email} was ${result.before}, is now ${result.role}${result.passwordSet ? "; password replaced" : ""} (${database.description}).`,
  );
} catch (error) {
  console.error("[admin:create] Failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
