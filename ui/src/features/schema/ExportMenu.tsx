import { ClipboardCopy, Download, Image } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type ExportFormat, type SchemaSource } from "../../api";
import { Menu, type MenuItem } from "../../components/Menu";
import { erdImage } from "./erd/image";

const formats: { format: ExportFormat; label: string; extension: string }[] = [
  { format: "mermaid", label: "Mermaid", extension: "mmd" },
  { format: "dbml", label: "DBML", extension: "dbml" },
  { format: "markdown", label: "Markdown", extension: "md" },
  { format: "json", label: "JSON", extension: "json" },
  { format: "sqlalchemy", label: "SQLAlchemy models", extension: "py" },
  { format: "typescript", label: "TypeScript types", extension: "ts" },
  { format: "rust", label: "Rust structs", extension: "rs" },
];

type ExportMenuProps = {
  source: SchemaSource;
  database: string;
  /**
   * Finds the diagram when the picture is saved; null when the Diagram view is not open. (Asked
   * on save, not while rendering: the diagram mounts after this menu.)
   */
  diagram: (() => HTMLElement | null) | null;
};

/**
 * Copy the schema as Mermaid, DBML, Markdown or JSON, or save it (or the diagram, as PNG or SVG)
 * to a file chosen in the save dialog.
 */
export function ExportMenu({ source, database, diagram }: ExportMenuProps) {
  const copy = async (format: ExportFormat, label: string) => {
    try {
      await api.schemaExportCopy(source, format);
      toast.success(`Copied the schema as ${label}`);
    } catch (error) {
      toast.error("The schema was not copied", { description: errorMessage(error) });
    }
  };
  const save = async (format: ExportFormat, label: string, extension: string) => {
    try {
      const path = await api.dialogPick({
        kind: "saveFile",
        title: `Save the schema as ${label}`,
        filters: [{ name: label, extensions: [extension] }],
        defaultPath: `${database}.${extension}`,
      });
      if (!path) return;
      await api.schemaExportWrite(source, format, path);
      toast.success(`Saved the schema as ${label}`, { description: path });
    } catch (error) {
      toast.error("The schema was not saved", { description: errorMessage(error) });
    }
  };
  const saveImage = async (kind: "png" | "svg") => {
    const element = diagram?.();
    if (!element) return;
    try {
      const path = await api.dialogPick({
        kind: "saveFile",
        title: `Save the diagram as ${kind.toUpperCase()}`,
        filters: [{ name: kind.toUpperCase(), extensions: [kind] }],
        defaultPath: `${database}.${kind}`,
      });
      if (!path) return;
      await api.schemaImageWrite(path, await erdImage(element, kind));
      toast.success(`Saved the diagram as ${kind.toUpperCase()}`, { description: path });
    } catch (error) {
      toast.error("The diagram was not saved", { description: errorMessage(error) });
    }
  };
  const pictures: MenuItem[] = (["png", "svg"] as const).map((kind) => ({
    label: `Save the diagram as ${kind.toUpperCase()}…`,
    icon: Image,
    onSelect: () => void saveImage(kind),
    disabled: diagram === null,
    title: diagram === null ? "Open the Diagram view first" : undefined,
    testId: `schema-save-${kind}`,
  }));
  const items: MenuItem[] = [
    ...formats.map(({ format, label }) => ({
      label: `Copy as ${label}`,
      icon: ClipboardCopy,
      onSelect: () => void copy(format, label),
      testId: `schema-copy-${format}`,
    })),
    ...formats.map(({ format, label, extension }) => ({
      label: `Save as ${label}…`,
      icon: Download,
      onSelect: () => void save(format, label, extension),
      testId: `schema-save-${format}`,
    })),
    ...pictures,
  ];
  return <Menu label="Export the schema" items={items} testId="schema-export-menu" />;
}
