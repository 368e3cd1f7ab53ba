import { describe, expect, it } from "vitest";
import { auditActionWords, auditSummaryWords, isInternalId } from "./audit-words";

describe("audit entries in words", () => {
  it("writes the action as words", () => {
    expect(auditActionWords("event.replay")).toBe("Event replay");
    expect(auditActionWords("member.role_changed")).toBe("Member role changed");
  });

  it("writes the summary as key: value pairs, ids counted, never shown", () => {
    const ids = ["cmxca0fjb0000707dtsw2wlcj", "cmxca0fjb0000707dtsw2wlck"];
    expect(auditSummaryWords({ replayed: ids, deferred: [], refused: 0 })).toBe(
      "replayed: 2 · deferred: 0 · refused: 0",
    );
    expect(auditSummaryWords({ connectionId: ids[0], role: "ADMIN", newName: "Gallery" })).toBe(
      "role: ADMIN · new name: Gallery",
    );
    expect(auditSummaryWords(null)).toBe("");
    expect(isInternalId("ART-0007")).toBe(false);
  });
});
