import { Boxes, FileCode2, FlaskConical, FolderKanban, HeartPulse, History, KeyRound, Layers, LayoutDashboard, LayoutGrid, Network, Rocket, ScrollText, Settings, Workflow, type LucideIcon } from "lucide-react";

export type NavItem = { path: string; label: string; icon: LucideIcon; shortcutKey: string; testId: string };

// The order here is the order of the Ctrl/⌘+1…5 shortcuts.
export const navItems: NavItem[] = [
  { path: "/", label: "Dashboard", icon: LayoutDashboard, shortcutKey: "1", testId: "nav-dashboard" },
  { path: "/projects", label: "Projects", icon: FolderKanban, shortcutKey: "2", testId: "nav-projects" },
  { path: "/resources", label: "Resources", icon: Boxes, shortcutKey: "3", testId: "nav-resources" },
  { path: "/activity", label: "Activity", icon: History, shortcutKey: "4", testId: "nav-activity" },
  { path: "/settings", label: "Settings", icon: Settings, shortcutKey: "5", testId: "nav-settings" },
];

/** Where Ctrl/⌘+N goes: the projects page, with its "New project" form open. */
export const newProjectPath = "/projects?new";
export const newProjectShortcutKey = "N";

/** Ctrl/⌘+D on a project's page opens its "Add database" form. */
export const addDatasourceShortcutKey = "D";

/** Ctrl/⌘+Q quits (once running database operations end). */
export const quitShortcutKey = "Q";

/** Ctrl/⌘+K opens the command palette. */
export const paletteShortcutKey = "K";

/** The open project's sections, each a page of its own under `/projects/:id`, listed in the sidebar. */
export const projectSections: { path: string; label: string; icon: LucideIcon; testId: string }[] = [
  { path: "", label: "Overview", icon: LayoutGrid, testId: "project-overview-link" },
  { path: "schema", label: "Schema", icon: Network, testId: "project-schema-link" },
  { path: "migrations", label: "Migrations", icon: Layers, testId: "project-migrations-link" },
  { path: "tests", label: "Tests", icon: FlaskConical, testId: "project-tests-link" },
  { path: "deploy", label: "Deploy", icon: Rocket, testId: "project-deploy-link" },
  { path: "ci", label: "CI", icon: Workflow, testId: "project-ci-link" },
  { path: "health", label: "Health", icon: HeartPulse, testId: "project-health-link" },
  { path: "logs", label: "Logs", icon: ScrollText, testId: "project-logs-link" },
  { path: "environment", label: "Environment", icon: KeyRound, testId: "project-environment-link" },
  { path: "config", label: "Configuration", icon: FileCode2, testId: "project-config-link" },
];
