import { describe, expect, it } from "vitest";
import type { TemplateOption, TemplateSummary } from "../../api";
import { defaultValues, optionProblem, slug, templateKey } from "./options";

const option = (kind: TemplateOption["kind"], fallback: TemplateOption["default"]): TemplateOption => ({
  key: "k",
  label: "K",
  help: null,
  kind,
  default: fallback,
});

describe("template options", () => {
  it("says what is wrong with a value before the core is asked", () => {
    const port = option({ type: "number", min: 1024, max: 65535 }, 8000);
    expect(optionProblem(port, 8080)).toBeNull();
    expect(optionProblem(port, 80)).toBe("Enter 1024 or more.");
    expect(optionProblem(port, 70000)).toBe("Enter 65535 or less.");
    expect(optionProblem(port, Number.NaN)).toBe("Enter a whole number.");
    const engine = option({ type: "choice", choices: ["postgres", "mariadb"] }, "postgres");
    expect(optionProblem(engine, "mariadb")).toBeNull();
    expect(optionProblem(engine, "oracle")).toBe("Choose one of postgres, mariadb.");
    const email = option({ type: "text", pattern: "[^@ ]+@[^@ ]+", patternHelp: "Enter an e-mail address." }, "");
    expect(optionProblem(email, "me@example.com")).toBeNull();
    expect(optionProblem(email, "me@example.com and more")).toBe("Enter an e-mail address.");
    expect(optionProblem(option({ type: "bool" }, false), true)).toBeNull();
  });

  it("starts each template's form at its defaults and tells templates apart by where they come from", () => {
    const template: TemplateSummary = {
      reference: { kind: "folder", path: "/home/me/templates/api" },
      userId: 3,
      name: "API",
      description: "",
      options: [option({ type: "number", min: null, max: null }, 8000), { ...option({ type: "bool" }, true), key: "auth" }],
      problem: null,
    };
    expect(defaultValues(template)).toEqual({ k: 8000, auth: true });
    expect(templateKey(template)).toBe("folder:/home/me/templates/api");
    expect(templateKey({ ...template, reference: { kind: "builtin", id: "blog" } })).toBe("builtin:blog");
  });

  it("names a folder as the core does", () => {
    expect(slug("My Shop")).toBe("my-shop");
    expect(slug("  Café  Shop 2 ")).toBe("caf-shop-2");
    expect(slug("2048")).toBe("p-2048");
    expect(slug("日本")).toBe("project");
    expect(slug("a".repeat(39) + " b")).toBe("a".repeat(39));
  });
});
