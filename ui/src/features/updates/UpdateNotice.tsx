import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type UpdateInfo } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ProgressBar } from "../../components/ProgressBar";
import { formatDateTime } from "../../lib/time";
import { describeInstall, installBusy, nextInstallState, type InstallState } from "./install";
import { updateOfferQuery, useUpdateAvailableEvents } from "./queries";

/** A card in the corner when an update is offered. Never modal, never forced: "Later" and
 * "Skip this version" are always there until the user chooses to install. */
export function UpdateNotice() {
  useUpdateAvailableEvents();
  const offer = useQuery(updateOfferQuery);
  if (!offer.data) return null;
  // A new offer starts afresh.
  return <UpdateCard key={offer.data.version} update={offer.data} />;
}

function UpdateCard({ update }: { update: UpdateInfo }) {
  const queryClient = useQueryClient();
  const [install, setInstall] = useState<InstallState>({ phase: "idle" });
  const busy = installBusy(install);
  const progress = describeInstall(install);
  const later = () => queryClient.setQueryData(queryKeys.updateOffer, null);
  const skip = useMutation({
    mutationFn: () => api.updatesSkip(update.version),
    onSuccess: (settings) => {
      queryClient.setQueryData(queryKeys.settings, settings);
      later();
    },
    onError: (error) => toast.error("The version was not skipped", { description: errorMessage(error) }),
  });
  const start = async () => {
    setInstall({ phase: "downloading", downloaded: 0, total: null });
    try {
      await api.updatesInstall((step) => setInstall((state) => nextInstallState(state, step)));
      setInstall({ phase: "restarting" });
    } catch (error) {
      setInstall({ phase: "failed", message: errorMessage(error) });
    }
  };

  return (
    <section
      className="update-notice"
      aria-labelledby="update-notice-title"
      data-testid="update-notice"
      onKeyDown={(event) => {
        if (event.key === "Escape" && !busy) later();
      }}
    >
      <div className="update-notice-header">
        <Download size={16} aria-hidden className="update-notice-icon" />
        <h2 className="update-notice-title" id="update-notice-title">
          Quantum Admin {update.version} is available
        </h2>
      </div>
      <p className="update-notice-meta">
        You have {update.currentVersion}
        {update.date ? ` · released ${formatDateTime(update.date)}` : ""}
      </p>
      {update.notes ? (
        <pre className="update-notice-notes" tabIndex={0} aria-label="Release notes" data-testid="update-notes">
          {update.notes}
        </pre>
      ) : null}
      {busy ? (
        <div className="update-notice-progress">
          <ProgressBar fraction={progress.fraction} label="Update progress" />
          <span className="update-notice-status" aria-live="polite">
            {progress.text}
          </span>
        </div>
      ) : null}
      {install.phase === "failed" ? (
        <p className="update-notice-error" role="alert" data-testid="update-error">
          {install.message}
        </p>
      ) : null}
      <div className="update-notice-actions">
        <button
          type="button"
          className="button button-primary button-small"
          disabled={busy}
          onClick={() => void start()}
          data-testid="update-install"
        >
          {install.phase === "failed" ? "Try again" : "Install and restart"}
        </button>
        <button type="button" className="button button-secondary button-small" disabled={busy} onClick={later}>
          Later
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={busy || skip.isPending}
          onClick={() => skip.mutate()}
          data-testid="update-skip"
        >
          Skip this version
        </button>
      </div>
    </section>
  );
}
