// The dashboard's system, test-run, CI and quick-action commands, the Docs entry, and the shell's
// requests to show a page.
import { commands, events } from "../bindings";
import { unwrap } from "./unwrap";

export const shellApi = {
  /** Opens the documentation the settings point to (`settings.docs_url_missing` when none is set). */
  appOpenDocs: () => unwrap(commands.appOpenDocs()),
  dashboardSystem: () => unwrap(commands.dashboardSystem()),
  dashboardTestRuns: () => unwrap(commands.dashboardTestRuns()),
  /** Each project's CI as its watcher last read it (no request to the provider). */
  dashboardCi: () => commands.dashboardCi(),
  /** Starts every database of the project that is not running, and waits for them. */
  projectStartStack: (projectId: number) => unwrap(commands.projectStartStack(projectId)),
  /** Calls `listener` with a path when the shell asks for a page (the tray's incident items). */
  onNavigateRequested: (listener: (path: string) => void) => events.navigateRequested.listen((event) => listener(event.payload)),
};
