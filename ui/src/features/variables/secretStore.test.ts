import { describe, expect, it } from "vitest";
import { secretStoreState } from "./queries";

const status = { kind: "keychain", vaultExists: false, vaultUnlocked: false, message: "" } as const;

describe("whether secrets can be used", () => {
  it("yes with the system keychain or an unlocked vault", () => {
    expect(secretStoreState(status)).toEqual({ usable: true });
    expect(secretStoreState({ ...status, kind: "vault", vaultExists: true, vaultUnlocked: true })).toEqual({ usable: true });
  });

  it("no while the vault is locked, and unlocking it is the fix", () => {
    expect(secretStoreState({ ...status, kind: "vault", vaultExists: true })).toMatchObject({ usable: false, fix: "unlockVault" });
    expect(secretStoreState({ ...status, kind: "unavailable", vaultExists: true })).toMatchObject({ usable: false, fix: "unlockVault" });
  });

  it("no without a keychain or a vault, and setting up a vault is the fix", () => {
    expect(secretStoreState({ ...status, kind: "unavailable" })).toMatchObject({ usable: false, fix: "createVault" });
  });

  it("not yet while the status is being asked", () => {
    expect(secretStoreState(undefined)).toMatchObject({ usable: false, fix: null });
  });
});
