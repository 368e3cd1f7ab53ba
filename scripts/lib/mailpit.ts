import { spawn } from "node:child_process";
import { resolveMailpitBinary } from "../mailpit-install";
import { freePort } from "./ports";

/** Mailpit's command line: SMTP without TLS or auth on the loopback, its HTTP API beside it, a throwaway store. */
export function mailpitArgs(smtpPort: number, httpPort: number): string[] {
  return [
    "--smtp",
    `127.0.0.1:${smtpPort}`,
    "--listen",
    `127.0.0.1:${httpPort}`,
    "--disable-version-check",
    "--smtp-auth-accept-any",
    "--smtp-auth-allow-insecure",
    "--max",
    "5000",
  ];
}

export interface RunningMailpit {
  smtpUrl: string;
  apiUrl: string;
  stop: () => Promise<void>;
}

/** Waits until Mailpit's API answers (its own readiness signal), or its process ends. */
export async function waitForMailpit(apiUrl: string, exited: () => boolean): Promise<void> {
  for (;;) {
    if (exited()) throw new Error("Mailpit exited before it answered");
    const ready = await fetch(`${apiUrl}/api/v1/messages?limit=1`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a private Mailpit on free loopback ports (tests): the SMTP URL to send to, the API to read from. */
export async function startMailpit(): Promise<RunningMailpit> {
  const binary = resolveMailpitBinary({ quiet: true });
  const [smtpPort, httpPort] = await Promise.all([freePort(), freePort()]);
  const child = spawn(binary, mailpitArgs(smtpPort, httpPort), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForMailpit(apiUrl, () => child.exitCode !== null);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
