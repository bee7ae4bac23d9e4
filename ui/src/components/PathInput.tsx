import { useState, type InputHTMLAttributes, type Ref } from "react";
import { FolderOpen } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type PickFilter, type PickKind } from "../api";

/** The native dialog the Browse button opens. */
export type BrowseOptions = {
  kind: PickKind;
  /** The dialog's title, saying what is being chosen, e.g. “Choose the .env file to import”. */
  title: string;
  filters?: PickFilter[];
};

type PathInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "className" | "onChange" | "value"> & {
  value: string;
  onValueChange: (value: string) => void;
  /** Adds a Browse… button that opens the native dialog, starting at the path typed so far. */
  browse?: BrowseOptions;
  ref?: Ref<HTMLInputElement>;
  "data-testid"?: string;
};

/**
 * A file or folder path: typed (monospace, neither completed nor spell-checked by the web view) or
 * chosen in the system's dialog with Browse…. A file chosen in a save dialog is one the app may
 * write for the rest of the session; a typed one is confirmed in that dialog when the app writes it.
 */
export function PathInput({ onValueChange, browse, ...props }: PathInputProps) {
  const [browsing, setBrowsing] = useState(false);
  const input = (
    <input
      {...props}
      className="input input-mono"
      autoComplete="off"
      spellCheck={false}
      onChange={(event) => onValueChange(event.target.value)}
    />
  );
  if (!browse) return input;

  const openDialog = async () => {
    setBrowsing(true);
    try {
      const chosen = await api.dialogPick({
        kind: browse.kind,
        title: browse.title,
        filters: browse.filters ?? [],
        defaultPath: props.value.trim() || null,
      });
      if (chosen !== null) onValueChange(chosen);
    } catch (error) {
      toast.error("The file dialog could not be opened", { description: errorMessage(error) });
    } finally {
      setBrowsing(false);
    }
  };

  const testId = props["data-testid"];
  return (
    <div className="path-input">
      {input}
      <button
        type="button"
        className="button button-secondary"
        onClick={() => void openDialog()}
        disabled={browsing || props.disabled}
        aria-label={`Browse: ${browse.title}`}
        title={browse.title}
        data-testid={testId ? `${testId}-browse` : undefined}
      >
        <FolderOpen size={14} aria-hidden />
        Browse…
      </button>
    </div>
  );
}
