import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { settingsQuery } from "../features/settings/queries";
import { darkSchemeQuery, resolveTheme, type ResolvedTheme } from "./theme";

function subscribeToScheme(onChange: () => void) {
  const media = window.matchMedia(darkSchemeQuery);
  media.addEventListener("change", onChange);
  return () => media.removeEventListener("change", onChange);
}

const systemPrefersDark = () => window.matchMedia(darkSchemeQuery).matches;

/** The theme to paint now: follows the setting, and the system live when it says "system". */
export function useResolvedTheme(): ResolvedTheme {
  const { data: settings } = useQuery(settingsQuery);
  const prefersDark = useSyncExternalStore(subscribeToScheme, systemPrefersDark);
  return resolveTheme(settings?.theme ?? "system", prefersDark);
}
