import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { HashRouter, Navigate, Route, Routes } from "react-router";
import { ActivityPage } from "../features/activity/ActivityPage";
import { DashboardPage } from "../features/dashboard/DashboardPage";
import { DatasourceMonitorPage } from "../features/datasources/DatasourceMonitorPage";
import { ProjectDetailsPage } from "../features/projects/ProjectDetailsPage";
import { ProjectsPage } from "../features/projects/ProjectsPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { Shell } from "./Shell";

// A hash router: the app is served from Tauri's custom protocol, which knows no other paths.
export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <HashRouter>
        <Routes>
          <Route element={<Shell />}>
            <Route index element={<DashboardPage />} />
            <Route path="projects" element={<ProjectsPage />} />
            <Route path="projects/:projectId" element={<ProjectDetailsPage />} />
            <Route path="projects/:projectId/databases/:datasourceId/:view" element={<DatasourceMonitorPage />} />
            <Route path="activity" element={<ActivityPage />} />
            <Route path="settings" element={<SettingsPage />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Route>
        </Routes>
      </HashRouter>
    </QueryClientProvider>
  );
}
