import { toast } from "sonner";
import { api } from "../api";

/**
 * Quits the app. While a database is being created, started or snapshotted the core waits for
 * that to end first (at most a minute), and the window says so; quitting again quits at once.
 */
export async function quitApp() {
  if (await api.appQuit()) {
    toast.info("Quitting once the running database operations end…", {
      description: "Quit again to quit now; the next start settles anything cut short.",
      duration: Infinity,
    });
  }
}
