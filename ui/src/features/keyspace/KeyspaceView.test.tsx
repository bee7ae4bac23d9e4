import { useState } from "react";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Keyspace } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { KeyspaceView } from "./KeyspaceView";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { keyspaceLevel: vi.fn(), keyspaceValue: vi.fn() } };
});

const top: Keyspace = {
  prefix: "",
  delimiter: ":",
  totalKeys: 1803,
  scanned: 1803,
  complete: true,
  groups: [
    { prefix: "user:", keys: 1500, types: [{ kind: "hash", keys: 1500 }], withTtl: 0, sampled: 20, sampledBytes: 2000, estimatedBytes: 150_000 },
    { prefix: "session:", keys: 300, types: [{ kind: "string", keys: 300 }], withTtl: 300, sampled: 20, sampledBytes: 3000, estimatedBytes: 45_000 },
  ],
  keys: [{ key: "leaderboard", kind: "zset", ttlMs: null, bytes: 128 }],
};
const users: Keyspace = { ...top, prefix: "user:", scanned: 1500, groups: [], keys: [{ key: "user:7", kind: "hash", ttlMs: 45_000, bytes: 100 }] };

/** The view with its prefix and key kept in state, as the page keeps them in the URL. */
function Browser() {
  const [prefix, setPrefix] = useState("");
  const [key, setKey] = useState<string | null>(null);
  return <KeyspaceView source={{ kind: "datasource", id: 3 }} prefix={prefix} selectedKey={key} onPrefix={setPrefix} onKey={setKey} />;
}

describe("KeyspaceView", () => {
  beforeEach(() => {
    vi.mocked(api.keyspaceLevel).mockImplementation(async (_id, prefix) => (prefix === "" ? top : users));
    vi.mocked(api.keyspaceValue).mockResolvedValue({
      key: "user:7",
      ttlMs: 45_000,
      bytes: 100,
      length: 2,
      value: { kind: "hash", fields: [{ name: "name", value: "Ada" }, { name: "plan", value: "free" }] },
    });
  });

  it("shows the groups with their counts, types, expiry and estimated memory", async () => {
    renderWithApp(<Browser />);
    const group = await screen.findByText("user:");
    const row = group.closest("tr")!;
    expect(within(row).getByText("1,500")).toBeTruthy();
    expect(within(row).getByText("hash 1,500")).toBeTruthy();
    expect(within(row).getByText("≈ 146 KiB")).toBeTruthy();
    const sessions = screen.getByText("session:").closest("tr")!;
    expect(within(sessions).getByText("100 %")).toBeTruthy();
    expect(screen.getByTestId("keyspace-summary").textContent).toMatch(/1,803 keys in all/);
  });

  it("goes down a prefix, opens a key by its type, and comes back by the breadcrumb", async () => {
    const user = userEvent.setup();
    renderWithApp(<Browser />);
    await user.click(await screen.findByText("user:"));
    expect(api.keyspaceLevel).toHaveBeenLastCalledWith({ kind: "datasource", id: 3 }, "user:", ":");
    await user.click(await screen.findByText("user:7"));
    const value = await screen.findByTestId("keyspace-value");
    expect(within(value).getByText("Ada")).toBeTruthy();
    expect(within(value).getByTestId("keyspace-value-meta").textContent).toBe("hash · 2 fields · TTL 45 s · 100 B");
    await user.click(screen.getByRole("button", { name: "All keys" }));
    expect(await screen.findByText("session:")).toBeTruthy();
  });

  it("says what went wrong when the keys cannot be read", async () => {
    vi.mocked(api.keyspaceLevel).mockRejectedValue(new Error("Redis at 127.0.0.1:6390 refused the app's password"));
    renderWithApp(<Browser />);
    expect(await screen.findByText("The keys could not be read")).toBeTruthy();
    expect(screen.getByText(/refused the app's password/)).toBeTruthy();
  });
});
