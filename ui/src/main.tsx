import "./app/locale";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { createQueryClient } from "./app/queryClient";
import { applyTheme, darkSchemeQuery, resolveTheme } from "./app/theme";
import { settingsQuery } from "./features/settings/queries";
import "./styles/global.css";

const queryClient = createQueryClient();

// Paint the saved theme before the first frame, so a dark-theme user never sees a light flash.
async function applySavedTheme() {
  try {
    const settings = await queryClient.fetchQuery(settingsQuery);
    applyTheme(resolveTheme(settings.theme, window.matchMedia(darkSchemeQuery).matches));
  } catch (error) {
    console.error("Settings could not be read; using the system theme.", error);
  }
}

void applySavedTheme().then(() => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App queryClient={queryClient} />
    </StrictMode>,
  );
});
