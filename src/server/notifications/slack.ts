import type { GuardedFetch } from "@/server/network/guarded-fetch";

/**
 * Messages for a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's
 * /slack endpoint): `text` for clients and notifications, `blocks` for Slack's layout.
 */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

export const SLACK_TIMEOUT_MS = 10_000;

/** Slack's mrkdwn treats &, < and > as markup. */
function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackMessage(input: {
  tenantName: string;
  headline: string;
  title: string;
  detail: string;
  url: string;
  linkLabel: string;
}): SlackMessage {
  const text = `[${input.tenantName}] ${input.headline}: ${input.title}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(text)}*` } },
      { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(input.detail) } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `<${input.url}|${escapeMrkdwn(input.linkLabel)}>` }],
      },
    ],
  };
}

export class SlackDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlackDeliveryError";
  }
}

/** One POST through the outbound address rules; anything but a 2xx answer is a failure. */
export async function postToSlack(send: GuardedFetch, url: string, message: SlackMessage): Promise<void> {
  const response = await send(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
  });
  if (response.status < 200 || response.status >= 300)
    throw new SlackDeliveryError(`the incoming webhook answered HTTP ${response.status}`);
}
