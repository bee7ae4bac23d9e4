import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Bookmark, FileCode, Save, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type SavedQuery } from "../../../api";
import { queryKeys } from "../../../api/queryKeys";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useLinkOutsideConfirm } from "../../../components/LinkOutsideConfirm";
import { Menu, type MenuItem } from "../../../components/Menu";
import { savedQueriesQuery } from "./queries";

type SavedQueriesProps = {
  projectId: number;
  sql: string;
  /** The saved query in the editor, if it came from one. */
  current: string | null;
  onOpen: (query: SavedQuery) => void;
  onCurrent: (name: string | null) => void;
};

/**
 * The project's saved queries (`queries/*.sql` in its folder): open one in the editor, save the
 * editor's script under a name, delete the open one (confirmed).
 */
export function SavedQueries({ projectId, sql, current, onOpen, onCurrent }: SavedQueriesProps) {
  const queryClient = useQueryClient();
  const saved = useQuery(savedQueriesQuery(projectId));
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.savedQueries(projectId) });

  const remove = async () => {
    if (current === null || deleting) return;
    setDeleting(true);
    try {
      await api.consoleSavedRemove(projectId, current);
      toast.success(`Deleted the saved query “${current}”`);
      onCurrent(null);
      refresh();
    } catch (error) {
      toast.error("The query was not deleted", { description: errorMessage(error) });
    } finally {
      setDeleting(false);
      setRemoving(false);
    }
  };

  const items: MenuItem[] = [
    ...(saved.data ?? []).map((query) => ({
      label: query.name,
      icon: FileCode,
      onSelect: () => {
        onOpen(query);
        onCurrent(query.name);
      },
      title: query.sql.slice(0, 300),
      testId: "console-saved-item",
    })),
    { label: current === null ? "Save as…" : `Save as… (open: ${current})`, icon: Save, onSelect: () => setSaving(true), testId: "console-save-as" },
  ];
  if (current !== null) {
    items.push({ label: `Delete “${current}”…`, icon: Trash2, danger: true, onSelect: () => setRemoving(true), testId: "console-saved-delete" });
  }
  return (
    <>
      <Menu
        label="The project's saved queries (queries/*.sql)"
        trigger={{ text: "Saved", icon: Bookmark }}
        items={items}
        testId="console-saved-menu"
      />
      {saving && (
        <SaveQueryDialog
          projectId={projectId}
          sql={sql}
          initialName={current ?? ""}
          onClose={() => setSaving(false)}
          onSaved={(name) => {
            setSaving(false);
            onCurrent(name);
            refresh();
          }}
        />
      )}
      <Dialog
        open={removing}
        title={`Delete the saved query “${current ?? ""}”?`}
        size="small"
        onClose={() => setRemoving(false)}
        testId="console-saved-delete-dialog"
        description={
          <p>
            Deletes <span className="mono">queries/{current}.sql</span> from the project folder. The editor keeps the text.
          </p>
        }
      >
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={() => setRemoving(false)} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => void remove()}
            disabled={deleting}
            data-testid="console-saved-delete-confirm"
          >
            Delete
          </button>
        </footer>
      </Dialog>
    </>
  );
}

type SaveQueryDialogProps = {
  projectId: number;
  sql: string;
  initialName: string;
  onClose: () => void;
  onSaved: (name: string) => void;
};

function SaveQueryDialog({ projectId, sql, initialName, onClose, onSaved }: SaveQueryDialogProps) {
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const { withConsent, dialog } = useLinkOutsideConfirm();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    try {
      // `true` once written: `withConsent` answers null when the user declines a link out of the project.
      const written = await withConsent(async (allowOutside) => {
        await api.consoleSavedWrite(projectId, name.trim(), sql, allowOutside);
        return true;
      });
      if (written === null) return;
      toast.success(`Saved the query as queries/${name.trim()}.sql`);
      onSaved(name.trim());
    } catch (failure) {
      if (failure instanceof ApiError && (failure.field === "name" || failure.code === "project.no_folder")) setError(failure.message);
      else setError(errorMessage(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog
      open
      title="Save the query"
      size="small"
      onClose={onClose}
      testId="console-save-dialog"
      description={
        <p>
          Kept as <span className="mono">queries/{name.trim() || "name"}.sql</span> in the project folder, to commit with the
          project. A query of that name is replaced.
        </p>
      }
    >
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="dialog-body">
          <Field label="Name" error={error} errorTestId="console-save-name-error">
            {(control) => (
              <input
                {...control}
                className="input"
                value={name}
                autoComplete="off"
                spellCheck={false}
                data-autofocus
                data-testid="console-save-name-input"
                onChange={(event) => {
                  setName(event.target.value);
                  setError(null);
                }}
              />
            )}
          </Field>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={pending} data-testid="console-save-submit">
            Save
          </button>
        </footer>
      </form>
      {dialog}
    </Dialog>
  );
}
