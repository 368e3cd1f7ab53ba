import { describe, expect, it } from "vitest";
import { env, envSetting, EnvError, parseEnv } from "./env";

const valid = {
  AUTH_SECRET: "x".repeat(32),
  STOCKHOOK_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString("base64")}`,
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("environment validation", () => {
  it("accepts the minimal configuration and fills defaults", () => {
    const env = parseEnv(valid);
    expect(env.DATA_DIR).toBe(".data");
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names each missing variable in plain words", () => {
    expect(problemsOf({})).toEqual([
      "AUTH_SECRET is required but not set",
      "STOCKHOOK_ENCRYPTION_KEYS is required but not set",
    ]);
  });

  it("explains a malformed value", () => {
    const problems = problemsOf({ ...valid, DATABASE_URL: "mysql://x", STOCKHOOK_ENCRYPTION_KEYS: "nokey" });
    expect(problems).toContain("DATABASE_URL must be a postgres:// or postgresql:// URL");
    expect(problems).toContain("STOCKHOOK_ENCRYPTION_KEYS must look like keyId:base64Key[,keyId:base64Key…]");
  });

  it("refuses a database pool size that is not a whole number", () => {
    expect(problemsOf({ ...valid, DATABASE_URL: "postgresql://db/stock?connection_limit=lots" })).toEqual([
      'DATABASE_URL connection_limit must be a whole number from 1 to 9999, not "lots"',
    ]);
    expect(problemsOf({ ...valid, DATABASE_URL: "postgresql://db/stock?connection_limit=30" })).toEqual([]);
  });

  it("requires OAuth ids and secrets in pairs", () => {
    expect(problemsOf({ ...valid, AUTH_GITHUB_ID: "abc" })).toEqual([
      "AUTH_GITHUB_SECRET is required when AUTH_GITHUB_ID is set",
    ]);
  });

  it("prints every problem in one readable message", () => {
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(
      "Invalid environment:\n  - AUTH_SECRET must be at least 32 characters (openssl rand -base64 32)\n  - STOCKHOOK_ENCRYPTION_KEYS is required but not set",
    );
  });

  it("checks the outbound settings", () => {
    expect(
      parseEnv({
        ...valid,
        OUTBOUND_ALLOW_LIST: "127.0.0.1:4010,localhost:4010",
        OUTBOUND_WEBHOOKS_RETRY_DELAYS: "1,1,1",
      }),
    ).toMatchObject({ OUTBOUND_ALLOW_LIST: "127.0.0.1:4010,localhost:4010", OUTBOUND_WEBHOOKS_RETRY_DELAYS: "1,1,1" });
    expect(problemsOf({ ...valid, OUTBOUND_ALLOW_LIST: "1", OUTBOUND_WEBHOOKS_RETRY_DELAYS: "5s,1m" })).toEqual([
      "OUTBOUND_ALLOW_LIST must be host:port pairs, comma separated (e.g. 127.0.0.1:4010,localhost:4010)",
      "OUTBOUND_WEBHOOKS_RETRY_DELAYS must be whole seconds, comma separated",
    ]);
  });

  it("refuses the outbound allow-list in production: nothing there may call private addresses", () => {
    expect(
      problemsOf({
        ...valid,
        NODE_ENV: "production",
        SMTP_URL: "smtps://smtp.example:465",
        OUTBOUND_ALLOW_LIST: "127.0.0.1:4010",
      }),
    ).toEqual([
      "OUTBOUND_ALLOW_LIST is for development and tests only: production calls public https:// addresses only",
    ]);
    expect(
      parseEnv({ ...valid, NODE_ENV: "production", SMTP_URL: "smtps://smtp.example:465" }).OUTBOUND_ALLOW_LIST,
    ).toBeUndefined();
  });

  it("checks the mail settings and requires SMTP in production", () => {
    expect(
      parseEnv({ ...valid, SMTP_URL: "smtp://127.0.0.1:1025", MAIL_FROM: "Stockhook <hello@stockhook.example>" }),
    ).toMatchObject({ SMTP_URL: "smtp://127.0.0.1:1025" });
    expect(problemsOf({ ...valid, SMTP_URL: "http://mail.example", MAIL_FROM: "not an address" })).toEqual([
      "SMTP_URL must be an smtp:// or smtps:// URL",
      "MAIL_FROM must be an address or Name <address>",
    ]);
    expect(problemsOf({ ...valid, NODE_ENV: "production" })).toEqual([
      "SMTP_URL is required in production: sign-up, invitations and password resets send links by mail",
    ]);
    expect(problemsOf({ ...valid, NODE_ENV: "production", SMTP_URL: "smtps://user:pass@smtp.example:465" })).toEqual(
      [],
    );
  });
});

describe("reading the environment", () => {
  it("re-reads process.env under Vitest, so a test can change a setting between cases", () => {
    const before = process.env.OUTBOUND_ALLOW_LIST;
    try {
      process.env.OUTBOUND_ALLOW_LIST = "127.0.0.1:4010";
      expect(env().OUTBOUND_ALLOW_LIST).toBe("127.0.0.1:4010");
      delete process.env.OUTBOUND_ALLOW_LIST;
      expect(env().OUTBOUND_ALLOW_LIST).toBeUndefined();
    } finally {
      if (before !== undefined) process.env.OUTBOUND_ALLOW_LIST = before;
    }
  });

  it("validates one setting on its own, with its default", () => {
    const before = process.env.LOG_LEVEL;
    try {
      delete process.env.LOG_LEVEL;
      expect(envSetting("LOG_LEVEL")).toBe("info");
      process.env.LOG_LEVEL = "loud";
      expect(() => envSetting("LOG_LEVEL")).toThrow(EnvError);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });
});
