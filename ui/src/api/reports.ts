// Reports saved to a file the user chose in the save dialog.
import { commands, type ReportKind } from "../bindings";
import { unwrap } from "./unwrap";

export const reportsApi = {
  /** Writes the project's uptime or incidents of the last `days` days as CSV to a chosen file. */
  healthReportWrite: (projectId: number, kind: ReportKind, days: number, path: string) =>
    unwrap(commands.healthReportWrite(projectId, kind, days, path)),
  /** Writes the project's health of the last `days` days as a PDF report to a chosen file. */
  healthReportPdfWrite: (projectId: number, days: number, path: string) => unwrap(commands.healthReportPdfWrite(projectId, days, path)),
};
