import { FolderPlus, LayoutTemplate, X } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type TemplateSummary } from "../../api";
import { templateKey } from "./options";
import { useAddTemplateFolder, useRemoveTemplateFolder } from "./queries";

type Props = {
  templates: TemplateSummary[];
  chosen: TemplateSummary | null;
  onChoose: (template: TemplateSummary) => void;
};

/** The built-ins, then the user's template folders (added with the system's folder dialog). */
export function TemplatePicker({ templates, chosen, onChoose }: Props) {
  const add = useAddTemplateFolder();
  const remove = useRemoveTemplateFolder();

  const addFolder = async () => {
    try {
      const path = await api.dialogPick({
        kind: "folder",
        title: "Choose a template folder (with template.toml and files/)",
        filters: [],
        defaultPath: null,
      });
      if (path === null) return;
      const added = await add.mutateAsync(path);
      toast.success(`Template “${added.name}” added`);
      onChoose(added);
    } catch (error) {
      toast.error("The folder was not added", { description: errorMessage(error) });
    }
  };

  return (
    <div className="template-picker">
      <div role="radiogroup" aria-label="Template" className="template-list">
        {templates.map((template) => {
          const key = templateKey(template);
          const selected = chosen !== null && templateKey(chosen) === key;
          return (
            <div key={key} className="template-item-row">
              <button
                type="button"
                role="radio"
                aria-checked={selected}
                className={`template-item${selected ? " template-item-selected" : ""}`}
                disabled={template.problem !== null}
                onClick={() => onChoose(template)}
                data-testid="template-item"
              >
                <LayoutTemplate size={15} aria-hidden />
                <span className="template-item-text">
                  <strong>{template.name}</strong>
                  <span className="small muted">{template.problem ?? template.description}</span>
                  {template.reference.kind === "folder" && <span className="small mono muted">{template.reference.path}</span>}
                </span>
              </button>
              {template.userId !== null && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove “${template.name}” from the list (the folder stays)`}
                  title="Remove from the list (the folder stays)"
                  onClick={() => remove.mutate(template.userId as number)}
                >
                  <X size={14} aria-hidden />
                </button>
              )}
            </div>
          );
        })}
      </div>
      <button type="button" className="button button-secondary button-small" onClick={() => void addFolder()} data-testid="template-add-folder">
        <FolderPlus size={14} aria-hidden />
        Add template folder…
      </button>
    </div>
  );
}
