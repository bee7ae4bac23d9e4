import { describe, expect, it } from "vitest";
import { projectDescriptionProblem, projectNameProblem } from "./validation";

describe("projectNameProblem", () => {
  it.each(["shop", "Shop 2", "billing-api", "my_app.v2", "Café", "9lives", "  padded  "])("accepts “%s”", (name) => {
    expect(projectNameProblem(name)).toBeNull();
  });

  it("asks for a name when there is none", () => {
    expect(projectNameProblem("   ")).toBe("Enter a name for the project.");
  });

  it("wants a letter or digit first", () => {
    expect(projectNameProblem("-shop")).toBe("Start the name with a letter or a digit.");
    expect(projectNameProblem(".env")).toBe("Start the name with a letter or a digit.");
  });

  it("names the character to remove", () => {
    expect(projectNameProblem("shop/admin")).toBe(
      "Remove “/” from the name: use letters, digits, spaces, “-”, “_” and “.”.",
    );
  });

  it("counts characters, not bytes, against the limit of 64", () => {
    expect(projectNameProblem("é".repeat(64))).toBeNull();
    expect(projectNameProblem("a".repeat(65))).toBe("The name is 65 characters long; shorten it to 64 or fewer.");
  });
});

describe("projectDescriptionProblem", () => {
  it("allows up to 2000 characters", () => {
    expect(projectDescriptionProblem("x".repeat(2000))).toBeNull();
    expect(projectDescriptionProblem("x".repeat(2001))).toMatch(/2001 characters long; shorten it to 2000/);
  });
});
