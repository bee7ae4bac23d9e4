import { useEffect } from "react";
import { useNavigate } from "react-router";
import { api } from "../api";

/** Shows the page the shell asks for (the tray's incident items send their Health page). */
export function useNavigateRequests() {
  const navigate = useNavigate();
  useEffect(() => {
    const stop = api.onNavigateRequested((path) => void navigate(path));
    return () => {
      void stop.then((unlisten) => unlisten());
    };
  }, [navigate]);
}
