import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useNavigate } from "react-router";
import { quitApp } from "../../app/quit";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Command } from "cmdk";
import { Database, FolderKanban, LayoutDashboard, Play, RotateCw, Search, Square, Zap, type LucideIcon } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type Datasource } from "../../api";
import { useResolvedTheme } from "../../app/useResolvedTheme";
import { datasourcesQuery, patchDatasource } from "../datasources/queries";
import { projectsQuery } from "../projects/queries";
import { settingsQuery, useUpdateSettings } from "../settings/queries";
import {
  paletteItems,
  rankItems,
  type DatasourceAction,
  type PaletteCommand,
  type PaletteGroup,
  type PaletteItem,
} from "./items";
import "./palette.css";

const groupIcons: Record<PaletteGroup, LucideIcon> = {
  Pages: LayoutDashboard,
  Projects: FolderKanban,
  Databases: Database,
  Actions: Zap,
};

const operationIcons: Record<DatasourceAction, LucideIcon> = { start: Play, stop: Square, restart: RotateCw };

const operations: Record<DatasourceAction, (id: number) => Promise<Datasource>> = {
  start: api.datasourceStart,
  stop: api.datasourceStop,
  restart: api.datasourceRestart,
};

const operationDone: Record<DatasourceAction, (name: string) => string> = {
  start: (name) => `Database “${name}” started`,
  stop: (name) => `Database “${name}” stopped`,
  restart: (name) => `Database “${name}” restarted`,
};

/** Runs a datasource operation chosen in the palette, which closes before it ends. */
function useDatasourceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ operation, id }: { operation: DatasourceAction; id: number; name: string }) => operations[operation](id),
    onSuccess: (updated, { operation, name }) => {
      patchDatasource(queryClient, updated.id, () => updated);
      toast.success(operationDone[operation](name));
    },
    onError: (error, { operation, name }) =>
      toast.error(`“${name}”: ${operation} failed`, { description: errorMessage(error) }),
  });
}

/**
 * The command palette (Ctrl/⌘+K): jump to a page, a project or one of its sections, a database,
 * or run an action. Arrows move, Enter runs, Esc closes; typing filters fuzzily (cmdk).
 */
export default function CommandPalette({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const projects = useQuery(projectsQuery);
  const datasources = useQuery(datasourcesQuery(null));
  const settings = useQuery(settingsQuery);
  const theme = useResolvedTheme();
  const updateSettings = useUpdateSettings();
  const datasourceAction = useDatasourceAction();

  const [search, setSearch] = useState("");
  const items = useMemo(
    () => paletteItems({ projects: projects.data ?? [], datasources: datasources.data ?? [], theme }),
    [projects.data, datasources.data, theme],
  );
  // Ranked here, not by cmdk (its ordering moves DOM nodes behind React's back): cmdk keeps the
  // keyboard and the selection.
  const sections = useMemo(() => rankItems(items, search), [items, search]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previouslyFocused = document.activeElement;
    dialog.showModal();
    dialog.querySelector<HTMLElement>("[cmdk-input]")?.focus();
    return () => {
      dialog.close();
      if (previouslyFocused instanceof HTMLElement && previouslyFocused.isConnected) previouslyFocused.focus();
    };
  }, []);

  const run = (command: PaletteCommand) => {
    onClose();
    switch (command.type) {
      case "go":
        void navigate(command.path);
        break;
      case "datasource":
        datasourceAction.mutate(command);
        break;
      case "theme":
        if (settings.data) updateSettings.mutate({ ...settings.data, theme: command.theme });
        break;
      case "quit":
        void quitApp();
        break;
    }
  };

  const loading = projects.isPending || datasources.isPending;
  return (
    <dialog
      ref={ref}
      className="dialog palette"
      aria-label="Command palette"
      data-palette
      data-testid="command-palette"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // A click on the backdrop lands on the dialog itself.
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <Command label="Command palette" shouldFilter={false} loop vimBindings={false}>
        <div className="palette-search">
          <Search size={16} aria-hidden />
          <Command.Input
            value={search}
            onValueChange={setSearch}
            className="palette-input"
            placeholder="Go to a page, project or database, or run an action…"
            data-testid="palette-input"
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.preventDefault();
                onClose();
              }
            }}
          />
        </div>
        <Command.List className="palette-list">
          {loading ? <Command.Loading>Loading projects and databases…</Command.Loading> : null}
          {!loading && sections.length === 0 ? <div className="palette-empty">Nothing matches.</div> : null}
          {sections.map(({ group, items: sectionItems }) => (
            <PaletteGroupItems key={group} group={group} items={sectionItems} onRun={run} />
          ))}
        </Command.List>
        <footer className="palette-footer" aria-hidden>
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> move
          </span>
          <span>
            <kbd>Enter</kbd> open
          </span>
          <span>
            <kbd>Esc</kbd> close
          </span>
        </footer>
      </Command>
    </dialog>
  );
}

function PaletteGroupItems({
  group,
  items,
  onRun,
}: {
  group: PaletteGroup;
  items: PaletteItem[];
  onRun: (command: PaletteCommand) => void;
}): ReactNode {
  const iconOf = (item: PaletteItem) =>
    item.command.type === "datasource" ? operationIcons[item.command.operation] : groupIcons[group];
  return (
    <Command.Group heading={group} className="palette-group">
      {items.map((item) => {
        const Icon = iconOf(item);
        return (
        <Command.Item
          key={item.id}
          value={item.id}
          onSelect={() => onRun(item.command)}
          className="palette-item"
          data-testid="palette-item"
          data-palette-id={item.id}
        >
          <Icon size={14} aria-hidden />
          <span className="palette-label">{item.label}</span>
          {item.hint ? <span className="palette-hint">{item.hint}</span> : null}
        </Command.Item>
        );
      })}
    </Command.Group>
  );
}
