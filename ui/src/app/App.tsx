import { lazy, Suspense, type ReactNode } from "react";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createHashRouter, createRoutesFromElements, Navigate, Route, RouterProvider } from "react-router";
import { SkeletonRows } from "../components/Skeleton";
import { ActivityPage } from "../features/activity/ActivityPage";
import { DashboardPage } from "../features/dashboard/DashboardPage";
import { DatasourceMonitorPage } from "../features/datasources/DatasourceMonitorPage";
import { ProjectDetailsPage } from "../features/projects/ProjectDetailsPage";
import { ProjectsPage } from "../features/projects/ProjectsPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { Shell } from "./Shell";

// Monaco is large: the config editor and everything it pulls in load on first visit. The
// environment page is only for some visits too.
const ConfigPage = lazy(() => import("../features/config/ConfigPage"));
// xterm and uPlot load with the Tests page, not with the app.
const TestsPage = lazy(() => import("../features/tests/TestsPage"));
// The CI pages are for some projects only: loaded on first visit.
const CiPage = lazy(() => import("../features/ci/CiPage"));
const HealthPage = lazy(() => import("../features/health/HealthPage"));
const DeployPage = lazy(() => import("../features/deploy/DeployPage"));
const LogsPage = lazy(() => import("../features/logs/LogsPage"));
const ResourcesPage = lazy(() => import("../features/resources/ResourcesPage"));
const CiRunPage = lazy(() => import("../features/ci/CiRunPage"));
// The schema browser brings React Flow: loaded on first visit.
const SchemaPage = lazy(() => import("../features/schema/SchemaPage").then((module) => ({ default: module.SchemaPage })));
// The migrations page edits files in Monaco: loaded on first visit.
const MigrationsPage = lazy(() =>
  import("../features/migrations/MigrationsPage").then((module) => ({ default: module.MigrationsPage })),
);
const EnvironmentPage = lazy(() =>
  import("../features/variables/EnvironmentPage").then((module) => ({ default: module.EnvironmentPage })),
);

function Lazy({ children, label }: { children: ReactNode; label: string }) {
  return (
    <Suspense
      fallback={
        <div className="page">
          <SkeletonRows rows={6} label={label} />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

// A hash router: the app is served from Tauri's custom protocol, which knows no other paths. A data
// router, so that a page with unsaved edits can hold navigation (useBlocker).
const router = createHashRouter(
  createRoutesFromElements(
    <Route element={<Shell />}>
      <Route index element={<DashboardPage />} />
      <Route path="projects" element={<ProjectsPage />} />
      <Route path="projects/:projectId" element={<ProjectDetailsPage />} />
      <Route
        path="projects/:projectId/config"
        element={
          <Lazy label="Loading the editor">
            <ConfigPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/environment"
        element={
          <Lazy label="Loading the environment">
            <EnvironmentPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/schema"
        element={
          <Lazy label="Loading the schema browser">
            <SchemaPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/migrations"
        element={
          <Lazy label="Loading the migrations">
            <MigrationsPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/tests"
        element={
          <Lazy label="Loading the tests">
            <TestsPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/ci"
        element={
          <Lazy label="Loading the CI">
            <CiPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/deploy"
        element={
          <Lazy label="Loading the deploys">
            <DeployPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/health"
        element={
          <Lazy label="Loading the health checks">
            <HealthPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/logs"
        element={
          <Lazy label="Loading the logs">
            <LogsPage />
          </Lazy>
        }
      />
      <Route
        path="projects/:projectId/ci/runs/:runId"
        element={
          <Lazy label="Loading the run">
            <CiRunPage />
          </Lazy>
        }
      />
      <Route path="projects/:projectId/databases/:datasourceId/:view" element={<DatasourceMonitorPage />} />
      <Route
        path="resources/:tab?"
        element={
          <Lazy label="Loading resources">
            <ResourcesPage />
          </Lazy>
        }
      />
      <Route path="activity" element={<ActivityPage />} />
      <Route path="settings" element={<SettingsPage />} />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Route>,
  ),
);

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
