import { NavLink, useMatch } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { projectQuery } from "../features/projects/queries";
import { projectSections } from "./navigation";
import "./projectNav.css";

/**
 * In the sidebar, under the global pages, while a project is open: the project is the hub, and
 * every domain joins it here as a section rather than as a button on its page.
 */
export function ProjectNav() {
  const match = useMatch("/projects/:projectId/*");
  const projectId = Number(match?.params.projectId);
  const project = useQuery({ ...projectQuery(projectId), enabled: Number.isInteger(projectId) && projectId > 0 });
  if (!match || !project.data) return null;
  return (
    <nav aria-label={`Project ${project.data.name}`} className="nav project-nav" data-testid="project-nav">
      <div className="project-nav-title" title={project.data.name}>
        {project.data.name}
      </div>
      {projectSections.map(({ path, label, icon: Icon, testId }) => (
        <NavLink
          key={path}
          to={path ? `/projects/${projectId}/${path}` : `/projects/${projectId}`}
          end={path === ""}
          className="nav-link"
          data-testid={testId}
        >
          <Icon size={16} aria-hidden />
          <span>{label}</span>
        </NavLink>
      ))}
    </nav>
  );
}
