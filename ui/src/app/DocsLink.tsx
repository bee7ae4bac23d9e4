import { useNavigate } from "react-router";
import { BookOpen } from "lucide-react";
import { toast } from "sonner";
import { api, ApiError, errorMessage } from "../api";

/**
 * The sidebar's Docs entry: opens the documentation the settings point to in the browser; with
 * none set yet, Settings, at the field to give one.
 */
export function DocsLink() {
  const navigate = useNavigate();
  const open = () =>
    api.appOpenDocs().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "settings.docs_url_missing") {
        void navigate("/settings#docs-url");
        toast.info("Give the documentation's address here first");
      } else toast.error("The documentation did not open", { description: errorMessage(error) });
    });
  return (
    <button type="button" className="nav-link nav-button" onClick={() => void open()} data-testid="nav-docs">
      <BookOpen size={16} aria-hidden />
      <span>Docs</span>
    </button>
  );
}
