import { api, errorMessage, type PickFilter } from "../api";

/** Said when the user closes the confirming dialog: the typed file is not written. */
export const NOT_CONFIRMED =
  "Nothing was written: the file was not confirmed. Confirm it in the dialog, or choose it with Browse….";

/**
 * The file to write for a typed path. The app writes only files chosen in a dialog this session or
 * inside a project's folder; any other typed path is confirmed in the save dialog, opened on it
 * (where the user may also change it). A problem is the message to show under the path field.
 */
export async function confirmFileToWrite(
  typed: string,
  title: string,
  filters: PickFilter[] = [],
): Promise<{ path: string } | { problem: string }> {
  try {
    const path = await api.dialogConfirmSave(typed.trim(), title, filters);
    return path === null ? { problem: NOT_CONFIRMED } : { path };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}
