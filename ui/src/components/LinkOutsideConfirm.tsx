import { useCallback, useState, type ReactNode } from "react";
import { toast } from "sonner";
import { ApiError, errorMessage } from "../api";
import { Dialog } from "./Dialog";

/** The core's refusal to write a project file that is a link leading out of the project folder. */
export const LINK_OUTSIDE_CODE = "files.symlink_outside";

/** The core's refusal to write a file that changed since its preview was read. */
const CHANGED_CODE = "datasource.env_file_changed";

type WithConsent = <T>(write: (allowOutside: boolean) => Promise<T>) => Promise<T | null>;

/**
 * Writes what a preview showed, through `withConsent`: a file changed since the preview is read
 * again (`refetch`) for the user to check (`changed` says so), any other failure is shown
 * (`failed`). Resolves true once written.
 */
export async function writeShown(
  withConsent: WithConsent,
  write: (allowOutside: boolean) => Promise<unknown>,
  { changed, failed, refetch }: { changed: string; failed: string; refetch: () => void },
): Promise<boolean> {
  try {
    return (await withConsent((allowOutside) => write(allowOutside).then(() => true))) === true;
  } catch (error) {
    if (error instanceof ApiError && error.code === CHANGED_CODE) {
      toast.warning(changed, { description: error.message });
      refetch();
    } else {
      toast.error(failed, { description: errorMessage(error) });
    }
    return false;
  }
}

type Pending = { message: string; resolve: (confirmed: boolean) => void };

/**
 * For commands that write a project file: `withConsent(write)` runs `write(false)`, and when the
 * core refuses because the file is a link out of the project (a cloned repository can plant one),
 * asks the user and, on their yes, runs `write(true)`. Resolves `null` when the user says no.
 * Render `dialog` next to the caller's own content.
 */
export function useLinkOutsideConfirm(): {
  withConsent: WithConsent;
  dialog: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);

  const withConsent = useCallback(async <T,>(write: (allowOutside: boolean) => Promise<T>): Promise<T | null> => {
    try {
      return await write(false);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== LINK_OUTSIDE_CODE) throw error;
      const confirmed = await new Promise<boolean>((resolve) => setPending({ message: error.message, resolve }));
      return confirmed ? write(true) : null;
    }
  }, []);

  const answer = (confirmed: boolean) => {
    pending?.resolve(confirmed);
    setPending(null);
  };

  const dialog = (
    <Dialog
      open={pending !== null}
      title="Write through a link out of the project?"
      onClose={() => answer(false)}
      size="small"
      testId="link-outside-dialog"
      description={<p className="selectable">{pending?.message}</p>}
    >
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={() => answer(false)}
          data-autofocus
          data-testid="link-outside-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => answer(true)}
          data-testid="link-outside-confirm"
        >
          Write through the link
        </button>
      </footer>
    </Dialog>
  );

  return { withConsent, dialog };
}
