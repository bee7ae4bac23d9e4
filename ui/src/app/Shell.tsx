import { useEffect } from "react";
import { NavLink, Outlet } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Toaster } from "sonner";
import logo from "../assets/logo.svg";
import { shortcutLabel } from "../lib/platform";
import { useCiEvents } from "../features/ci/useCiEvents";
import { DockerBanner } from "../features/datasources/DockerBanner";
import { PaletteLauncher } from "../features/palette/PaletteLauncher";
import { appInfoQuery } from "../features/settings/queries";
import { UpdateNotice } from "../features/updates/UpdateNotice";
import { DocsLink } from "./DocsLink";
import { navItems } from "./navigation";
import { ProjectNav } from "./ProjectNav";
import { applyTheme } from "./theme";
import { useDataChangedRefresh } from "./useDataChangedRefresh";
import { useDatasourceEvents } from "./useDatasourceEvents";
import { useResolvedTheme } from "./useResolvedTheme";
import { useNavigateRequests } from "./useNavigateRequests";
import { useShortcuts } from "./useShortcuts";

export function Shell() {
  const theme = useResolvedTheme();
  const { data: appInfo } = useQuery(appInfoQuery);
  useDataChangedRefresh();
  useDatasourceEvents();
  useCiEvents();
  useShortcuts();
  useNavigateRequests();

  useEffect(() => applyTheme(theme), [theme]);

  return (
    <>
      <div className="shell">
        <aside className="sidebar">
          <div className="brand">
            <img src={logo} alt="" className="brand-logo" />
            <span className="brand-name">Quantum Admin</span>
          </div>
          <PaletteLauncher />
          <nav aria-label="Main" className="nav">
            {navItems.map(({ path, label, icon: Icon, shortcutKey, testId }) => (
              <NavLink
                key={path}
                to={path}
                end={path === "/"}
                className="nav-link"
                title={`${label} (${shortcutLabel(shortcutKey)})`}
                data-testid={testId}
              >
                <Icon size={16} aria-hidden />
                <span>{label}</span>
                <kbd className="nav-shortcut" aria-hidden>
                  {shortcutLabel(shortcutKey)}
                </kbd>
              </NavLink>
            ))}
            <DocsLink />
          </nav>
          <ProjectNav />
          <div className="sidebar-footer" data-testid="app-version">
            {appInfo ? `Version ${appInfo.version}` : "\u00a0"}
          </div>
        </aside>
        <main className="content">
          <DockerBanner />
          <Outlet />
        </main>
      </div>
      <UpdateNotice />
      <Toaster theme={theme} position="bottom-right" closeButton toastOptions={{ className: "toast" }} />
    </>
  );
}
