import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../api";
import { changedFields, snapshotFields, summarizeAuditEntry } from "./summary";

function entry(action: AuditEntry["action"], resourceName: string, details: AuditEntry["details"]): AuditEntry {
  return {
    id: 1,
    occurredAt: "2026-11-21T12:00:00.000Z",
    action,
    resourceType: "project",
    resourceId: 3,
    resourceName,
    projectId: 3,
    details,
  };
}

describe("summarizeAuditEntry", () => {
  it("tells a creation and a deletion by the project's name", () => {
    const values = { name: "shop", description: "", folder: null };
    expect(summarizeAuditEntry(entry("project.create", "shop", values))).toBe("Created project “shop”");
    expect(summarizeAuditEntry(entry("project.delete", "shop", values))).toBe("Deleted project “shop”");
  });

  it("tells a rename with both names", () => {
    const renamed = entry("project.update", "storefront", { name: { old: "shop", new: "storefront" } });
    expect(summarizeAuditEntry(renamed)).toBe("Renamed project “shop” to “storefront”");
  });

  it("lists the other fields an update changed", () => {
    const updated = entry("project.update", "shop", {
      folder: { old: null, new: "/srv/shop" },
      description: { old: "", new: "The shop" },
    });
    expect(summarizeAuditEntry(updated)).toBe("Updated project “shop”: description, folder");
  });

  it("tells a rename that changed more as both", () => {
    const both = entry("project.update", "storefront", {
      name: { old: "shop", new: "storefront" },
      description: { old: "", new: "The shop" },
    });
    expect(summarizeAuditEntry(both)).toBe("Renamed project “shop” to “storefront” and updated description");
  });
});

describe("details", () => {
  it("gives an update's old and new values in form order", () => {
    const updated = entry("project.update", "shop", {
      folder: { old: null, new: "/srv/shop" },
      name: { old: "shop", new: "storefront" },
    });
    expect(changedFields(updated)).toEqual([
      { field: "name", old: "shop", new: "storefront" },
      { field: "folder", old: null, new: "/srv/shop" },
    ]);
    expect(snapshotFields(updated)).toEqual([]);
  });

  it("gives a created project's values", () => {
    const created = entry("project.create", "shop", { name: "shop", description: "The shop", folder: null });
    expect(snapshotFields(created)).toEqual([
      { field: "name", value: "shop" },
      { field: "description", value: "The shop" },
      { field: "folder", value: null },
    ]);
  });
});

describe("database entries", () => {
  it("tell what happened to the database by its name", () => {
    const started: AuditEntry = {
      ...entry("datasource.start", "orders-db", {}),
      resourceType: "datasource",
    };
    expect(summarizeAuditEntry(started)).toBe("Started database “orders-db”");
  });

  it("tell that the connection details were copied", () => {
    const copied: AuditEntry = {
      ...entry("datasource.reveal_secret", "orders-db", { format: "url" }),
      resourceType: "datasource",
    };
    expect(summarizeAuditEntry(copied)).toBe("Copied the connection details of “orders-db”");
  });

  it("tell where the connection details were written", () => {
    const written: AuditEntry = {
      ...entry("datasource.reveal_secret", "orders-db", { format: "env_file", path: "/code/shop/.env" }),
      resourceType: "datasource",
    };
    expect(summarizeAuditEntry(written)).toBe("Wrote the connection details of “orders-db” to /code/shop/.env");
  });

  it("tell a secret's reveal and copy by its name only", () => {
    const revealed: AuditEntry = {
      ...entry("secret.reveal", "API_TOKEN (dev)", { environment: "dev", name: "API_TOKEN" }),
      resourceType: "secret",
    };
    expect(summarizeAuditEntry(revealed)).toBe("Revealed secret “API_TOKEN (dev)”");
    expect(summarizeAuditEntry({ ...revealed, action: "secret.copy" })).toBe("Copied secret “API_TOKEN (dev)”");
    expect(snapshotFields(revealed)).toEqual([]);
  });

  it("tell where a quantum.toml version came from", () => {
    const saved = (source: string): AuditEntry => ({
      ...entry("config.save", "quantum.toml", { source, contentHash: "ab" }),
      resourceType: "config",
    });
    expect(summarizeAuditEntry(saved("app"))).toBe("Saved quantum.toml");
    expect(summarizeAuditEntry(saved("disk"))).toBe("quantum.toml changed on disk");
    expect(summarizeAuditEntry(saved("restore"))).toBe("Restored an earlier version of quantum.toml");
  });

  it("count what a .env import brought in", () => {
    const imported: AuditEntry = {
      ...entry("variables.import", "dev", { plain: ["PORT"], secrets: ["A_KEY", "B_KEY"] }),
      resourceType: "variable",
    };
    expect(summarizeAuditEntry(imported)).toBe("Imported 1 variable and 2 secrets into “dev”");
  });
});
