import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { formatBytes } from "../../lib/bytes";

/**
 * Saves a run's logs (`artifactId` null) or an artifact as a zip where the user chooses in the
 * native save dialog; the core writes only there.
 */
export async function downloadZip(projectId: number, runId: number, artifactId: number | null, what: string, fileName: string) {
  try {
    const path = await api.dialogPick({
      kind: "saveFile",
      title: `Save ${what}`,
      filters: [{ name: "Zip archive", extensions: ["zip"] }],
      defaultPath: fileName,
    });
    if (!path) return;
    const bytes = await api.ciDownload(projectId, runId, artifactId, path);
    toast.success(`Saved ${what}`, { description: bytes === null ? path : `${path} (${formatBytes(bytes)})` });
  } catch (error) {
    toast.error(`Could not save ${what}`, { description: errorMessage(error) });
  }
}
