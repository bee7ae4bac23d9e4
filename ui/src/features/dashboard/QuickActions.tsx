import { Link } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import { FlaskConical, Play, Terminal } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type Project } from "../../api";
import { projectsQuery } from "../projects/queries";

function StartStack({ project }: { project: Project }) {
  const start = useMutation({ mutationFn: () => api.projectStartStack(project.id) });
  const run = () =>
    start.mutate(undefined, {
      onSuccess: (outcome) => {
        if (outcome.failed.length > 0)
          toast.error(`${project.name}: ${outcome.failed.length} did not start`, {
            description: outcome.failed.map(([name, why]) => `${name}: ${why}`).join("\n"),
          });
        else if (outcome.started.length === 0) toast.info(`${project.name}: everything was running already`);
        else toast.success(`${project.name}: ${outcome.started.join(", ")} started`);
      },
      onError: (error) => toast.error(`${project.name} did not start`, { description: errorMessage(error) }),
    });
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      disabled={start.isPending}
      aria-busy={start.isPending}
      onClick={run}
      data-testid="quick-start-stack"
    >
      {start.isPending ? <span className="spinner spinner-small" aria-hidden /> : <Play size={13} aria-hidden />}
      Start stack
    </button>
  );
}

/** Per project: start its databases, open its SQL console, run its tests. */
export function QuickActions() {
  const projects = useQuery(projectsQuery);
  if (!projects.data || projects.data.length === 0) return null;
  return (
    <section className="panel" data-testid="quick-actions">
      <div className="panel-heading">
        <h2 className="panel-title">Quick actions</h2>
      </div>
      <ul className="quick-actions">
        {projects.data.slice(0, 8).map((project) => (
          <li key={project.id} data-testid="quick-actions-project" data-project={project.name}>
            <Link to={`/projects/${project.id}`} className="text-link quick-actions-name">
              {project.name}
            </Link>
            <StartStack project={project} />
            <Link to={`/projects/${project.id}/schema?view=console`} className="button button-secondary button-small" data-testid="quick-console">
              <Terminal size={13} aria-hidden />
              Console
            </Link>
            <Link to={`/projects/${project.id}/tests`} className="button button-secondary button-small" data-testid="quick-tests">
              <FlaskConical size={13} aria-hidden />
              Run tests
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
