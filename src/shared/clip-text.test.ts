import { describe, expect, it } from "vitest";
import { clipText } from "./clip-text";

describe("clipText", () => {
  it("leaves short text alone", () => {
    expect(clipText("Connection refused.", 50)).toBe("Connection refused.");
  });

  it("ends at the last full sentence that fits", () => {
    const text = "The endpoint answered 500. It said the database was down and to try again later.";
    expect(clipText(text, 48)).toBe("The endpoint answered 500. …");
  });

  it("else at a whole word, never mid-word, within the limit", () => {
    const text = "Every delivery failed for three days because the receiving server kept refusing connections";
    const clipped = clipText(text, 50);
    expect(clipped.length).toBeLessThanOrEqual(50);
    expect(clipped.endsWith("…")).toBe(true);
    expect(text.startsWith(clipped.slice(0, -1))).toBe(true);
    expect(text[clipped.length - 1]).toBe(" ");
  });
});
