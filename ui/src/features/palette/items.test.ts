import { describe, expect, it } from "vitest";
import { datasource, project } from "./fixtures";
import { paletteItems, rankItems, type PaletteItem } from "./items";

const shop = project(7, "shop", "The online shop");
const blog = project(8, "blog");
const postgres = datasource(3, 7, "shop-postgres-1", "ready");
const redis = datasource(4, 7, "shop-redis-1", "stopped");
const gone = datasource(5, 8, "blog-postgres-1", "missing");

const items = paletteItems({ projects: [shop, blog], datasources: [postgres, redis, gone], theme: "light" });
const byId = (id: string) => items.find((item) => item.id === id);

/** The items a search shows, in the order the palette lists them. */
function search(query: string): PaletteItem[] {
  return rankItems(items, query).flatMap((section) => section.items);
}

describe("paletteItems", () => {
  it("offers every page, every project with its sections, and every database", () => {
    expect(items.filter((item) => item.group === "Pages").map((item) => item.label)).toEqual([
      "Dashboard",
      "Projects",
      "Resources",
      "Activity",
      "Settings",
    ]);
    expect(byId("project:7")?.command).toEqual({ type: "go", path: "/projects/7" });
    expect(byId("project:7:config")?.command).toEqual({ type: "go", path: "/projects/7/config" });
    expect(byId("project:7:environment")?.command).toEqual({ type: "go", path: "/projects/7/environment" });
    expect(byId("datasource:3")).toMatchObject({
      label: "shop-postgres-1",
      hint: "shop · Ready",
      command: { type: "go", path: "/projects/7/databases/3/logs" },
    });
    expect(byId("datasource:3:stats")?.command).toEqual({ type: "go", path: "/projects/7/databases/3/stats" });
  });

  it("offers Quit, found by “exit” too", () => {
    expect(byId("action:quit")?.command).toEqual({ type: "quit" });
    expect(search("exit")[0]?.id).toBe("action:quit");
  });

  it("leaves out a database whose container is gone: it has no page to show", () => {
    expect(byId("datasource:5")).toBeUndefined();
    expect(items.some((item) => item.id.startsWith("action:") && item.label.includes("blog-postgres-1"))).toBe(false);
  });

  it("offers only the operations a database's status allows", () => {
    const operations = (id: number) =>
      items.filter((item) => item.command.type === "datasource" && item.command.id === id).map((item) => item.label);
    expect(operations(3)).toEqual(["Stop shop-postgres-1", "Restart shop-postgres-1"]);
    expect(operations(4)).toEqual(["Start shop-redis-1"]);
    expect(byId("action:stop:3")?.command).toEqual({ type: "datasource", operation: "stop", id: 3, name: "shop-postgres-1" });
  });

  it("offers the theme that is not painted now, and a new project", () => {
    expect(byId("action:theme")).toMatchObject({ label: "Switch to the dark theme", command: { type: "theme", theme: "dark" } });
    const dark = paletteItems({ projects: [], datasources: [], theme: "dark" });
    expect(dark.find((item) => item.id === "action:theme")?.command).toEqual({ type: "theme", theme: "light" });
    expect(byId("action:new-project")?.command).toEqual({ type: "go", path: "/projects?new" });
  });

  it("gives every item its own id", () => {
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });
});

describe("rankItems", () => {
  it("lists everything in its groups while nothing is typed", () => {
    const sections = rankItems(items, "  ");
    expect(sections.map((section) => section.group)).toEqual(["Pages", "Projects", "Databases", "Actions"]);
    expect(sections.flatMap((section) => section.items)).toEqual(items);
    expect(rankItems([], "").map((section) => section.group)).toEqual([]);
  });

  it("puts the group of the best match first", () => {
    expect(rankItems(items, "shop")[0]?.group).toBe("Projects");
    expect(rankItems(items, "stop shop")[0]?.group).toBe("Actions");
  });

  it("finds a project by its name first, before its sections and databases", () => {
    expect(search("shop")[0]?.id).toBe("project:7");
  });

  it("matches fuzzily: letters in order, words abbreviated", () => {
    expect(search("shp").map((item) => item.id)).toContain("project:7");
    expect(search("stp shop pg")[0]?.id).toBe("action:stop:3");
    expect(search("sett")[0]?.id).toBe("page:/settings");
  });

  it("finds items by their other words too", () => {
    expect(search("secrets").slice(0, 2).map((item) => item.id)).toEqual(["project:7:environment", "project:8:environment"]);
    expect(search("online").map((item) => item.id)).toContain("project:7");
  });

  it("shows nothing for letters that appear nowhere in that order", () => {
    expect(search("zzqx")).toEqual([]);
  });

  it("does not match the item's id, which the user never sees", () => {
    expect(search("action")).toEqual([]);
  });
});
