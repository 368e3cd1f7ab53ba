import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

// The attack: a sign-in link like /signin?callbackUrl=//evil.example sends the user, freshly signed
// in and trusting the page, to a look-alike site. The old check was `startsWith("/")`.
describe("sign-in callbackUrl", () => {
  it.each([
    "//evil.example",
    "//evil.example/t/demo",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "/%0a/evil.example".replace("%0a", "\n"),
    "evil.example",
    "",
  ])("refuses %j", (attack) => {
    expect(safeCallbackPath(attack)).toBe("/");
  });

  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackPath("/t/demo")).toBe("/t/demo");
    expect(safeCallbackPath("/invite/abc?x=1#y")).toBe("/invite/abc?x=1#y");
    expect(safeCallbackPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeCallbackPath("/t/../t/demo")).toBe("/t/demo");
  });

  it("uses the fallback for anything that is not a string", () => {
    expect(safeCallbackPath(undefined, "/home")).toBe("/home");
    expect(safeCallbackPath(["/t/demo"], "/home")).toBe("/home");
  });
});
