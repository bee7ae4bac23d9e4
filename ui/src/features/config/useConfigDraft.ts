import { useEffect, useReducer, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type ConfigDocument } from "../../api";
import { useLinkOutsideConfirm } from "../../components/LinkOutsideConfirm";
import { errorCountText, summarize } from "./diagnostics";
import { canSave, draftReducer, isDirty, type DraftState } from "./draft";
import { configDocumentQuery, configKeys } from "./queries";
import { createDebouncedValidator, type DebouncedValidator } from "./validation";

const VALIDATE_DELAY_MS = 250;

/** The error codes a save answers with when it writes nothing. */
const saveErrorCodes = {
  invalid: "config.invalid",
  changedOnDisk: "config.changed_on_disk",
} as const;

export type ConfigDraft = {
  state: DraftState;
  dirty: boolean;
  canSave: boolean;
  saving: boolean;
  /** Set when the last check of the text failed (the markers are then from an earlier text). */
  checkError: string | null;
  edit: (text: string) => void;
  save: () => Promise<void>;
  reload: () => void;
  keepEdits: () => void;
  /** Saves the edits over the file that changed on disk. */
  overwrite: () => Promise<void>;
};

/**
 * quantum.toml as the editor sees it: the file on disk (refetched whenever the core reports a
 * change to it), the user's edits, their diagnostics (checked ~250 ms after the typing stops),
 * and saving (formatted first) with the file's hash, so that a file changed meanwhile is never
 * overwritten unasked.
 */
export function useConfigDraft(projectId: number) {
  const queryClient = useQueryClient();
  const documentQuery = useQuery(configDocumentQuery(projectId));
  const [state, dispatch] = useReducer(draftReducer, null);
  const [seenDocument, setSeenDocument] = useState<ConfigDocument>();
  const [saving, setSaving] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const validator = useRef<DebouncedValidator>(null);
  // Ctrl+S held down, or pressed twice before React re-renders, must not save twice.
  const saveInFlight = useRef(false);
  const linkOutside = useLinkOutsideConfirm();

  // Every new disk document goes through the reducer, which decides between a silent reload and
  // a notice.
  if (documentQuery.data && documentQuery.data !== seenDocument) {
    setSeenDocument(documentQuery.data);
    dispatch({ type: "disk", document: documentQuery.data });
  }

  useEffect(() => {
    let stopped = false;
    const unlisten = api.onDataChanged((change) => {
      if (change.resourceType === "config" && change.resourceId === projectId) {
        void queryClient.invalidateQueries({ queryKey: configKeys.all(projectId) });
      } else if (change.resourceType === "datasource") {
        // The databases the file declares but this machine lacks may have changed.
        void queryClient.invalidateQueries({ queryKey: configKeys.document(projectId) });
      }
    });
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("Changes to quantum.toml on disk will not show: could not listen for them.", error);
    });
    return () => {
      stopped = true;
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
  }, [projectId, queryClient]);

  useEffect(() => {
    const created = createDebouncedValidator({
      validate: (text: string) => api.configValidate(projectId, text),
      onResult: (diagnostics, text) => {
        setCheckError(null);
        dispatch({ type: "validated", text, diagnostics });
      },
      onError: (error) => setCheckError(errorMessage(error)),
      delayMs: VALIDATE_DELAY_MS,
    });
    validator.current = created;
    return created.cancel;
  }, [projectId]);

  const text = state?.text;
  const checkDue = state !== null && state.diagnosticsText !== state.text;
  useEffect(() => {
    if (checkDue && text !== undefined) validator.current?.schedule(text);
  }, [checkDue, text]);

  const saveOver = async (base: ConfigDocument, edited: string) => {
    if (saveInFlight.current) return;
    saveInFlight.current = true;
    setSaving(true);
    try {
      // Format on save; text that does not parse is saved as typed, and refused below if invalid.
      const formatted = await api.configFormat(edited).catch(() => edited);
      // The hash the edits started from: the core refuses the save if the file changed since (a
      // file that does not exist yet is not checked).
      const document = await linkOutside.withConsent((allowOutside) =>
        api.configSave(projectId, formatted, base.contentHash, allowOutside),
      );
      // The file is a link out of the project and the user chose not to write through it.
      if (document === null) return;
      // The reducer learns of the save before the cache does, so the new document is no surprise.
      dispatch({ type: "saved", document, sentText: edited });
      queryClient.setQueryData(configKeys.document(projectId), document);
      void queryClient.invalidateQueries({ queryKey: configKeys.history(projectId) });
      toast.success(base.exists ? "quantum.toml saved" : "quantum.toml created", { description: document.path });
    } catch (error) {
      await explainRefusal(error, edited);
    } finally {
      saveInFlight.current = false;
      setSaving(false);
    }
  };

  const explainRefusal = async (error: unknown, edited: string) => {
    if (error instanceof ApiError && error.code === saveErrorCodes.invalid) {
      const diagnostics = await api.configValidate(projectId, edited).catch(() => null);
      if (diagnostics) dispatch({ type: "validated", text: edited, diagnostics });
      const errors = diagnostics ? summarize(diagnostics).errors : 0;
      toast.error(errors > 0 ? `Fix the ${errorCountText(errors)} before saving` : "Fix quantum.toml before saving", {
        description: errors > 0 ? "Nothing was written; your text is kept." : error.message,
      });
    } else if (error instanceof ApiError && error.code === saveErrorCodes.changedOnDisk) {
      try {
        const current = await queryClient.fetchQuery({ ...configDocumentQuery(projectId), staleTime: 0 });
        dispatch({ type: "saveRefused", document: current });
      } catch (fetchError) {
        toast.error("quantum.toml changed on disk and could not be read", { description: errorMessage(fetchError) });
      }
    } else {
      toast.error("quantum.toml was not saved", { description: errorMessage(error) });
    }
  };

  if (state === null) return { documentQuery, draft: null, linkDialog: linkOutside.dialog };

  const draft: ConfigDraft = {
    state,
    dirty: isDirty(state),
    canSave: canSave(state),
    saving,
    checkError,
    edit: (edited) => dispatch({ type: "edited", text: edited }),
    save: async () => {
      if (!canSave(state)) return;
      await saveOver(state.base, state.text);
    },
    reload: () => dispatch({ type: "reload" }),
    keepEdits: () => dispatch({ type: "keepEdits" }),
    overwrite: async () => {
      if (!state.conflict) return;
      const { document } = state.conflict;
      dispatch({ type: "keepEdits" });
      await saveOver(document, state.text);
    },
  };
  return { documentQuery, draft, linkDialog: linkOutside.dialog };
}
