import { FileSpreadsheet, FileText } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type ReportKind } from "../../api";
import { Menu, type MenuItem } from "../../components/Menu";

/** Days a report covers: as long as results are kept. */
const REPORT_DAYS = 30;

const reports: { kind: ReportKind; label: string; file: string; icon: typeof FileText }[] = [
  { kind: "uptime", label: "Uptime per day", file: "uptime", icon: FileSpreadsheet },
  { kind: "incidents", label: "Incidents", file: "incidents", icon: FileText },
];

/** Saves the project's uptime per check per day, or its incidents, over 30 days as CSV. */
export function ReportMenu({ projectId, projectName }: { projectId: number; projectName: string }) {
  const save = async (kind: ReportKind, label: string, file: string) => {
    try {
      const path = await api.dialogPick({
        kind: "saveFile",
        title: `Save ${label.toLowerCase()} as CSV`,
        filters: [{ name: "CSV", extensions: ["csv"] }],
        defaultPath: `${projectName}-${file}.csv`,
      });
      if (!path) return;
      await api.healthReportWrite(projectId, kind, REPORT_DAYS, path);
      toast.success(`${label} saved`, { description: path });
    } catch (error) {
      toast.error("The report was not saved", { description: errorMessage(error) });
    }
  };
  const items: MenuItem[] = reports.map(({ kind, label, file, icon }) => ({
    label: `${label}, last ${REPORT_DAYS} days (CSV)…`,
    icon,
    onSelect: () => void save(kind, label, file),
    testId: `health-report-${kind}`,
  }));
  return <Menu label="Reports" items={items} testId="health-report-menu" trigger={{ text: "Reports", icon: FileSpreadsheet }} />;
}
