import { describe, expect, it } from "vitest";
import type { DotenvEntry } from "../../api";
import { importSummaryText, initialSecretNames, markSecret, secretNamesInOrder } from "./importSelection";

const entries: DotenvEntry[] = [
  { name: "LOG_LEVEL", looksSecret: false, preview: "debug" },
  { name: "STRIPE_KEY", looksSecret: true, preview: "••••••" },
  { name: "PORT", looksSecret: false, preview: "8080" },
  { name: "DB_PASSWORD", looksSecret: true, preview: "••••••" },
];

describe("choosing which .env keys become secrets", () => {
  it("starts from the keys that look like credentials", () => {
    expect([...initialSecretNames(entries)]).toEqual(["STRIPE_KEY", "DB_PASSWORD"]);
  });

  it("marks and unmarks keys without touching the previous selection, and sends them in file order", () => {
    const start = initialSecretNames(entries);
    const more = markSecret(start, "LOG_LEVEL", true);
    const fewer = markSecret(more, "STRIPE_KEY", false);
    expect([...start]).toEqual(["STRIPE_KEY", "DB_PASSWORD"]);
    expect(secretNamesInOrder(entries, fewer)).toEqual(["LOG_LEVEL", "DB_PASSWORD"]);
    expect(secretNamesInOrder(entries, markSecret(fewer, "PORT", false))).toEqual(["LOG_LEVEL", "DB_PASSWORD"]);
  });

  it("sums up an import in words", () => {
    expect(importSummaryText({ plain: 2, secrets: 1 }, "dev")).toBe("Imported 2 plain variables and 1 secret into “dev”");
    expect(importSummaryText({ plain: 1, secrets: 0 }, "prod")).toBe("Imported 1 plain variable and 0 secrets into “prod”");
  });
});
