import { describe, expect, it } from "vitest";
// The core's TypeScript for the SQLite fixture (crates/schema/tests/golden, checked there byte for
// byte): importing it here puts it under the UI's strict `tsc`.
import type { Customers, OrderTotals } from "../../../../crates/schema/tests/golden/shop.sqlite";

describe("the generated TypeScript types", () => {
  it("type-check, and keep which columns may be null", () => {
    const customer: Customers = { id: 1, email: "a@b.c", name: "A", referred_by: null, created_at: "2026-01-01" };
    // @ts-expect-error email is NOT NULL in the table, so the type refuses null
    const refused: Customers = { ...customer, email: null };
    const total: OrderTotals = { id: null, total: null };
    expect([customer.referred_by, refused.email, total.total]).toEqual([null, null, null]);
  });
});
