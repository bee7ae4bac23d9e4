import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown, FolderKanban, LayoutTemplate, PackageOpen, Pencil, Plus, Search, Trash2 } from "lucide-react";
import type { Project } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { RelativeTime } from "../../components/RelativeTime";
import { SkeletonRows } from "../../components/Skeleton";
import { shortcutLabel } from "../../lib/platform";
import { newProjectShortcutKey } from "../../app/navigation";
import { NewFromTemplateDialog } from "../templates/NewFromTemplateDialog";
import { ImportBundleDialog } from "../variables/BundleDialogs";
import { DeleteProjectDialog } from "./DeleteProjectDialog";
import { ProjectFormDialog } from "./ProjectFormDialog";
import { projectsQuery } from "./queries";

const column = createColumnHelper<Project>();

const countProjects = (count: number) => (count === 1 ? "1 project" : `${count} projects`);

type RowActions = { onEdit: (project: Project) => void; onDelete: (project: Project) => void };

function useColumns({ onEdit, onDelete }: RowActions) {
  return useMemo(
    () => [
      column.accessor("name", {
        header: "Name",
        filterFn: "includesString",
        sortingFn: "alphanumeric",
        cell: (info) => (
          <Link to={`/projects/${info.row.original.id}`} className="project-name" data-testid="project-name-link">
            {info.getValue()}
          </Link>
        ),
      }),
      column.accessor("description", {
        header: "Description",
        cell: (info) => <span className="cell-truncate muted">{info.getValue() || "—"}</span>,
      }),
      column.accessor((project) => project.folder ?? "", {
        id: "folder",
        header: "Folder",
        cell: (info) =>
          info.getValue() ? (
            <span className="cell-truncate mono" title={info.getValue()}>
              {info.getValue()}
            </span>
          ) : (
            <span className="muted">—</span>
          ),
      }),
      column.accessor("updatedAt", {
        header: "Updated",
        sortDescFirst: true,
        cell: (info) => <RelativeTime iso={info.getValue()} />,
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">Actions</span>,
        cell: (info) => {
          const project = info.row.original;
          return (
            <div className="row-actions">
              <button
                type="button"
                className="icon-button"
                aria-label={`Edit ${project.name}`}
                title="Edit"
                data-testid="project-edit-button"
                onClick={() => onEdit(project)}
              >
                <Pencil size={15} aria-hidden />
              </button>
              <button
                type="button"
                className="icon-button icon-button-danger"
                aria-label={`Delete ${project.name}`}
                title="Delete"
                data-testid="project-delete-button"
                onClick={() => onDelete(project)}
              >
                <Trash2 size={15} aria-hidden />
              </button>
            </div>
          );
        },
      }),
    ],
    [onEdit, onDelete],
  );
}

export function ProjectsPage() {
  const projects = useQuery(projectsQuery);
  const [searchParams, setSearchParams] = useSearchParams();
  const [editing, setEditing] = useState<Project | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const [importingBundle, setImportingBundle] = useState(false);
  const [sorting, setSorting] = useState<SortingState>([{ id: "name", desc: false }]);
  const [search, setSearch] = useState("");

  // The "new project" form lives in the URL, so Ctrl/⌘+N and links elsewhere can open it.
  const creating = searchParams.has("new");
  const openCreate = () => setSearchParams({ new: "" });
  const closeCreate = () => setSearchParams({}, { replace: true });
  const fromTemplate = searchParams.has("template");
  const openFromTemplate = () => setSearchParams({ template: "" });

  const columns = useColumns({ onEdit: setEditing, onDelete: setDeleting });
  const data = useMemo(() => projects.data ?? [], [projects.data]);
  const columnFilters = useMemo(() => [{ id: "name", value: search.trim() }], [search]);
  const table = useReactTable({
    data,
    columns,
    state: { sorting, columnFilters },
    onSortingChange: setSorting,
    getRowId: (project) => String(project.id),
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;

  const newProjectButton = (
    <button
      type="button"
      className="button button-primary"
      onClick={openCreate}
      title={`New project (${shortcutLabel(newProjectShortcutKey)})`}
      data-testid="new-project-button"
    >
      <Plus size={15} aria-hidden />
      New project
    </button>
  );

  return (
    <div className="page" data-testid="projects-page">
      <PageHeader
        title="Projects"
        description="Each project is one application you develop, with its folder on this computer."
        actions={
          <>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setImportingBundle(true)}
              data-testid="import-bundle-button"
            >
              <PackageOpen size={15} aria-hidden />
              Import bundle
            </button>
            <button type="button" className="button button-secondary" onClick={openFromTemplate} data-testid="new-from-template-button">
              <LayoutTemplate size={15} aria-hidden />
              From a template
            </button>
            {newProjectButton}
          </>
        }
      />

      {projects.isPending ? (
        <SkeletonRows label="Loading projects" />
      ) : projects.isError ? (
        <ErrorState title="Projects could not be loaded" error={projects.error} onRetry={() => void projects.refetch()} />
      ) : data.length === 0 ? (
        <EmptyState
          icon={FolderKanban}
          title="No projects yet"
          description="Add the first project you work on to see it here."
          testId="projects-empty-state"
          action={
            <>
              <button type="button" className="button button-primary" onClick={openCreate}>
                <Plus size={15} aria-hidden />
                Create your first project
              </button>
              <button type="button" className="button button-secondary" onClick={openFromTemplate}>
                <LayoutTemplate size={15} aria-hidden />
                Start from a template
              </button>
            </>
          }
        />
      ) : (
        <section className="panel">
          <div className="panel-toolbar">
            <label className="search">
              <Search size={14} aria-hidden className="search-icon" />
              <span className="visually-hidden">Search projects by name</span>
              <input
                type="search"
                className="input search-input"
                placeholder="Search by name"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
                data-testid="project-search"
              />
            </label>
            <span className="muted small" aria-live="polite">
              {rows.length === data.length ? countProjects(data.length) : `${rows.length} of ${countProjects(data.length)}`}
            </span>
          </div>
          <table className="table" data-testid="projects-table">
            <colgroup>
              <col style={{ width: "22%" }} />
              <col />
              <col style={{ width: "26%" }} />
              <col style={{ width: "14%" }} />
              <col style={{ width: "84px" }} />
            </colgroup>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    const SortIcon = sorted === "asc" ? ArrowUp : sorted === "desc" ? ArrowDown : ArrowUpDown;
                    return (
                      <th
                        key={header.id}
                        aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      >
                        {header.column.getCanSort() ? (
                          <button
                            type="button"
                            className={sorted ? "sort-button sorted" : "sort-button"}
                            onClick={header.column.getToggleSortingHandler()}
                          >
                            {flexRender(header.column.columnDef.header, header.getContext())}
                            <SortIcon size={13} aria-hidden />
                          </button>
                        ) : (
                          flexRender(header.column.columnDef.header, header.getContext())
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="project-row" data-project-name={row.original.name}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="table-empty">No project name contains “{search.trim()}”.</p>}
        </section>
      )}

      <ProjectFormDialog open={creating} onClose={closeCreate} />
      {fromTemplate && <NewFromTemplateDialog onClose={closeCreate} />}
      <ProjectFormDialog open={editing !== null} project={editing ?? undefined} onClose={() => setEditing(null)} />
      <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)} />
      <ImportBundleDialog open={importingBundle} onClose={() => setImportingBundle(false)} />
    </div>
  );
}
