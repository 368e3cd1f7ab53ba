import { describe, expect, it } from "vitest";
import { devTestInbox, inboxDeliveries, recordInboxDelivery } from "./dev-test-inbox";
import { OUTBOUND_EVENT_TYPES, outboundEnvelopeSchema } from "./event-types";
import { samplePayload } from "./sample-payloads";

describe("sample payloads", () => {
  it.each(OUTBOUND_EVENT_TYPES)("%s: a whole envelope a receiver parses like a real one", (type) => {
    const sample = samplePayload(type, { id: "t1", slug: "demo" });
    expect(outboundEnvelopeSchema.parse(sample)).toMatchObject({ type, tenant: { slug: "demo" } });
    expect(Object.keys(sample.data).length).toBeGreaterThan(0);
  });
});

describe("the development test inbox", () => {
  it("does not exist outside development (here NODE_ENV is test)", () => {
    expect(devTestInbox("demo")).toBeNull();
  });

  it("keeps the last 50 deliveries per workspace, newest first, with the signature headers", () => {
    for (let index = 0; index < 55; index += 1)
      recordInboxDelivery(
        "inbox-a",
        new Headers({ "webhook-id": `msg_${index}`, "webhook-signature": "v1,abc", cookie: "secret" }),
        `{"n":${index}}`,
      );
    const kept = inboxDeliveries("inbox-a");
    expect(kept).toHaveLength(50);
    expect(kept[0]).toMatchObject({
      body: '{"n":54}',
      headers: { "webhook-id": "msg_54", "webhook-signature": "v1,abc" },
    });
    expect(kept[0]!.headers.cookie).toBeUndefined();
    expect(inboxDeliveries("inbox-b")).toEqual([]);
  });
});
