import { FileDown, FileSpreadsheet, FileText } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type ReportKind } from "../../api";
import { Menu, type MenuItem } from "../../components/Menu";

/** Days a report covers: as long as results are kept. */
const REPORT_DAYS = 30;

const reports: { kind: ReportKind; label: string; file: string; icon: typeof FileText }[] = [
  { kind: "uptime", label: "Uptime per day", file: "uptime", icon: FileSpreadsheet },
  { kind: "incidents", label: "Incidents", file: "incidents", icon: FileText },
];

/** Saves the project's health over 30 days as a PDF report, or its uptime per check per day or its incidents as CSV. */
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
  const savePdf = async () => {
    try {
      const path = await api.dialogPick({
        kind: "saveFile",
        title: "Save the health report as PDF",
        filters: [{ name: "PDF", extensions: ["pdf"] }],
        defaultPath: `${projectName}-health.pdf`,
      });
      if (!path) return;
      await api.healthReportPdfWrite(projectId, REPORT_DAYS, path);
      toast.success("Health report saved", { description: path });
    } catch (error) {
      toast.error("The report was not saved", { description: errorMessage(error) });
    }
  };
  const items: MenuItem[] = [
    {
      label: `Health report, last ${REPORT_DAYS} days (PDF)…`,
      icon: FileDown,
      onSelect: () => void savePdf(),
      testId: "health-report-pdf",
    },
    ...reports.map(({ kind, label, file, icon }) => ({
      label: `${label}, last ${REPORT_DAYS} days (CSV)…`,
      icon,
      onSelect: () => void save(kind, label, file),
      testId: `health-report-${kind}`,
    })),
  ];
  return <Menu label="Reports" items={items} testId="health-report-menu" trigger={{ text: "Reports", icon: FileSpreadsheet }} />;
}
