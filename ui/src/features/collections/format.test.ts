import { describe, expect, it } from "vitest";
import { fieldDepth, fieldName, indexKeys, share } from "./format";

describe("the collection browser's figures", () => {
  it("indents a field under its parent, arrays included", () => {
    expect(fieldDepth("_id")).toBe(0);
    expect(fieldDepth("shipping.city")).toBe(1);
    expect(fieldDepth("items[]")).toBe(1);
    expect(fieldDepth("items[].sku")).toBe(1);
    expect(fieldDepth("items[].dims.w")).toBe(2);
    expect(fieldName("shipping.city")).toBe("city");
    expect(fieldName("items[].sku")).toBe("sku");
    expect(fieldName("tags[]")).toBe("[ ]");
  });

  it("never shows a rare field as 0 %", () => {
    expect(share(2, 200)).toBe("1 %");
    expect(share(1, 200)).toBe("< 1 %");

    expect(share(0, 200)).toBe("0 %");
    expect(share(3, 0)).toBe("—");
  });

  it("writes an index's keys as mongosh does", () => {
    expect(
      indexKeys([
        { field: "customerId", kind: "asc" },
        { field: "createdAt", kind: "desc" },
        { field: "location", kind: "2dsphere" },
      ]),
    ).toBe('{ customerId: 1, createdAt: -1, location: "2dsphere" }');
  });
});
