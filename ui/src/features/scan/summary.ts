import type { MigrationFolder, MigrationFormat, ProjectScan } from "../../api";

const formatNames: Record<MigrationFormat, string> = { sqlx: "sqlx", dbmate: "dbmate", golangMigrate: "golang-migrate", flyway: "Flyway" };

/** "1,234 files in 56 ms". */
export function scanSummary(scan: ProjectScan): string {
  return `${scan.files.toLocaleString("en-US")} files in ${scan.elapsedMs.toLocaleString("en-US")} ms`;
}

/** The layout a migration folder is read in, or why the app does not read it. */
export function formatMigrationFormat(folder: MigrationFolder): string {
  if (folder.format === null) return "not SQL files";
  return formatNames[folder.format];
}
