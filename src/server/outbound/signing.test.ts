import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateEndpointSecret, signedHeaders } from "./signing";

describe("Standard Webhooks signing", () => {
  const body = JSON.stringify({ id: "evt_1", type: "item.sold", data: { sku: "ART-0007" } });

  it("produces headers the standardwebhooks library verifies", () => {
    const secret = generateEndpointSecret();
    const headers = signedHeaders([secret], "evt_1", body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("signs with every live secret during a rotation, so both the old and the new one verify", () => {
    const [oldSecret, newSecret] = [generateEndpointSecret(), generateEndpointSecret()];
    const headers = signedHeaders([newSecret, oldSecret], "evt_2", body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateEndpointSecret()).verify(body, { ...headers })).toThrow();
  });

  it("a changed body or id no longer verifies", () => {
    const secret = generateEndpointSecret();
    const headers = signedHeaders([secret], "evt_3", body);
    expect(() => new Webhook(secret).verify(body.replace("0007", "0008"), { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "evt_4" })).toThrow();
  });
});
