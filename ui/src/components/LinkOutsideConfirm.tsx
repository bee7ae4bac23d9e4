import { useCallback, useState, type ReactNode } from "react";
import { ApiError } from "../api";
import { Dialog } from "./Dialog";

/** The core's refusal to write a project file that is a link leading out of the project folder. */
export const LINK_OUTSIDE_CODE = "files.symlink_outside";

type Pending = { message: string; resolve: (confirmed: boolean) => void };

/**
 * For commands that write a project file: `withConsent(write)` runs `write(false)`, and when the
 * core refuses because the file is a link out of the project (a cloned repository can plant one),
 * asks the user and, on their yes, runs `write(true)`. Resolves `null` when the user says no.
 * Render `dialog` next to the caller's own content.
 */
export function useLinkOutsideConfirm(): {
  withConsent: <T>(write: (allowOutside: boolean) => Promise<T>) => Promise<T | null>;
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
