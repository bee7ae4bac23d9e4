// What the command palette offers, as plain data: pages, projects and their sections, databases,
// and actions. The palette component renders them and runs their commands; cmdk filters them.
import { defaultFilter } from "cmdk";
import type { Datasource, Project } from "../../api";
import type { ResolvedTheme } from "../../app/theme";
import { navItems, newProjectPath } from "../../app/navigation";
import { canRestart, canStart, canStop, engineLabels, statusLabels } from "../datasources/status";

export type DatasourceAction = "start" | "stop" | "restart";

export type PaletteCommand =
  | { type: "go"; path: string }
  | { type: "datasource"; operation: DatasourceAction; id: number; name: string }
  | { type: "theme"; theme: ResolvedTheme }
  | { type: "quit" };

export const paletteGroups = ["Pages", "Projects", "Databases", "Actions"] as const;
export type PaletteGroup = (typeof paletteGroups)[number];

export type PaletteItem = {
  /** Unique and stable: cmdk's value for the item. */
  id: string;
  group: PaletteGroup;
  label: string;
  /** Muted text after the label: where it belongs, its state. */
  hint?: string;
  /** More words that find it (matched after the label). */
  keywords: string[];
  command: PaletteCommand;
};

export type PaletteSources = {
  projects: readonly Project[];
  datasources: readonly Datasource[];
  /** The theme painted now: the action offers the other one. */
  theme: ResolvedTheme;
};

export const projectPath = (id: number) => `/projects/${id}`;
export const datasourcePath = (datasource: Datasource, view: "logs" | "stats") =>
  `/projects/${datasource.projectId}/databases/${datasource.id}/${view}`;

const operationLabels: Record<DatasourceAction, string> = { start: "Start", stop: "Stop", restart: "Restart" };
const operationAllowed: Record<DatasourceAction, (datasource: Datasource) => boolean> = {
  start: (datasource) => canStart(datasource.status),
  stop: (datasource) => canStop(datasource.status),
  restart: (datasource) => canRestart(datasource.status),
};

/** Everything the palette offers now, in the order it lists them before any filtering. */
export function paletteItems({ projects, datasources, theme }: PaletteSources): PaletteItem[] {
  const projectNames = new Map(projects.map((project) => [project.id, project.name]));
  const pages: PaletteItem[] = navItems.map((item) => ({
    id: `page:${item.path}`,
    group: "Pages",
    label: item.label,
    keywords: ["page", "go to"],
    command: { type: "go", path: item.path },
  }));

  const projectItems: PaletteItem[] = projects.flatMap((project) => {
    const base = projectPath(project.id);
    const words = [project.description].filter(Boolean);
    return [
      {
        id: `project:${project.id}`,
        group: "Projects",
        label: project.name,
        hint: "Project",
        keywords: ["project", ...words],
        command: { type: "go", path: base },
      },
      {
        id: `project:${project.id}:config`,
        group: "Projects",
        label: `${project.name} › Configuration`,
        hint: "quantum.toml",
        keywords: ["config", "quantum.toml", "editor"],
        command: { type: "go", path: `${base}/config` },
      },
      {
        id: `project:${project.id}:environment`,
        group: "Projects",
        label: `${project.name} › Environment`,
        hint: "Variables and secrets",
        keywords: ["variables", "secrets", ".env", "env"],
        command: { type: "go", path: `${base}/environment` },
      },
    ] satisfies PaletteItem[];
  });

  const datasourceItems: PaletteItem[] = datasources
    .filter((datasource) => datasource.status !== "missing")
    .flatMap((datasource) => {
      const project = projectNames.get(datasource.projectId) ?? "";
      const words = [engineLabels[datasource.engine], project].filter(Boolean);
      return [
        {
          id: `datasource:${datasource.id}`,
          group: "Databases",
          label: datasource.name,
          hint: [project, statusLabels[datasource.status]].filter(Boolean).join(" · "),
          keywords: ["database", "logs", ...words],
          command: { type: "go", path: datasourcePath(datasource, "logs") },
        },
        {
          id: `datasource:${datasource.id}:stats`,
          group: "Databases",
          label: `${datasource.name} › Stats`,
          hint: project || undefined,
          keywords: ["cpu", "memory", ...words],
          command: { type: "go", path: datasourcePath(datasource, "stats") },
        },
      ] satisfies PaletteItem[];
    });

  const otherTheme: ResolvedTheme = theme === "dark" ? "light" : "dark";
  const actions: PaletteItem[] = [
    {
      id: "action:new-project",
      group: "Actions",
      label: "New project",
      keywords: ["create", "add"],
      command: { type: "go", path: newProjectPath },
    },
    {
      id: "action:theme",
      group: "Actions",
      label: `Switch to the ${otherTheme} theme`,
      hint: "Theme",
      keywords: ["toggle theme", "appearance", "dark", "light"],
      command: { type: "theme", theme: otherTheme },
    },
    {
      id: "action:quit",
      group: "Actions",
      label: "Quit Quantum Admin",
      hint: "Waits for running database operations",
      keywords: ["exit", "close", "quit"],
      command: { type: "quit" },
    },
  ];
  for (const datasource of datasources) {
    for (const operation of ["start", "stop", "restart"] as const) {
      if (!operationAllowed[operation](datasource)) continue;
      actions.push({
        id: `action:${operation}:${datasource.id}`,
        group: "Actions",
        label: `${operationLabels[operation]} ${datasource.name}`,
        hint: projectNames.get(datasource.projectId),
        keywords: ["database", engineLabels[datasource.engine]],
        command: { type: "datasource", operation, id: datasource.id, name: datasource.name },
      });
    }
  }

  return [...pages, ...projectItems, ...datasourceItems, ...actions];
}

/**
 * How well an item matches what was typed (0: not at all), with cmdk's fuzzy scorer: letters in
 * order, word starts and abbreviations count most. The label counts most; the hint and keywords
 * add to it.
 */
export function matchScore(item: PaletteItem, search: string): number {
  return defaultFilter(item.label, search, [...(item.hint ? [item.hint] : []), ...item.keywords]);
}

export type PaletteSection = { group: PaletteGroup; items: PaletteItem[] };

/**
 * What the palette lists for `search`: everything in its groups when nothing is typed; else the
 * matching items, best first, in groups ordered by their best item.
 */
export function rankItems(items: readonly PaletteItem[], search: string): PaletteSection[] {
  const query = search.trim();
  if (!query) {
    return paletteGroups
      .map((group) => ({ group, items: items.filter((item) => item.group === group) }))
      .filter((section) => section.items.length > 0);
  }
  const scored = items
    .map((item) => ({ item, score: matchScore(item, query) }))
    .filter(({ score }) => score > 0)
    // Array.prototype.sort is stable: equal scores keep the listing's order.
    .sort((a, b) => b.score - a.score);
  const sections = new Map<PaletteGroup, PaletteItem[]>();
  for (const { item } of scored) {
    sections.set(item.group, [...(sections.get(item.group) ?? []), item]);
  }
  // Map keeps insertion order: the group of the best item comes first.
  return Array.from(sections, ([group, sectionItems]) => ({ group, items: sectionItems }));
}
