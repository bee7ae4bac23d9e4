import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider } from "react-router";
import { Toaster } from "sonner";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, type Change, type ConfigDocument, type Diagnostic } from "../../api";
import type * as ApiModule from "../../api";
import ConfigPage from "./ConfigPage";

// Monaco stays out of jsdom: the editor is a textarea with the same props, and the instance it
// hands to onMount replaces the textarea's text the way Monaco replaces its model's.
vi.mock("@monaco-editor/react", () => {
  type Props = { defaultValue: string; onChange: (value: string) => void; onMount: (instance: unknown) => void };
  const mounted = new WeakSet<HTMLTextAreaElement>();
  const FakeEditor = ({ defaultValue, onChange, onMount }: Props) => (
    <textarea
      aria-label="quantum.toml"
      defaultValue={defaultValue}
      onChange={(event) => onChange(event.target.value)}
      ref={(element) => {
        // Mounted once, as Monaco is.
        if (!element || mounted.has(element)) return;
        mounted.add(element);
        const model = { getValue: () => element.value, getFullModelRange: () => ({}) };
        onMount({
          getModel: () => model,
          saveViewState: () => null,
          executeEdits: (_source: string, [edit]: { text: string }[]) => {
            element.value = edit.text;
            onChange(edit.text);
          },
          pushUndoStop: () => undefined,
        });
      }}
    />
  );
  return { default: FakeEditor, DiffEditor: () => null };
});

vi.mock("./monaco", () => ({
  monaco: { editor: { setModelMarkers: vi.fn() } },
  markerSeverities: { error: 8, warning: 4 },
  currentEditorTheme: () => "quantum-light",
  subscribeToEditorTheme: () => () => undefined,
}));

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      projectGet: vi.fn(),
      configGet: vi.fn(),
      configValidate: vi.fn(),
      configFormat: vi.fn(),
      configSave: vi.fn(),
      onDataChanged: vi.fn(),
      datasourceCreate: vi.fn(),
    },
  };
});

const generated = '[project]\nname = "shop"\n';

const doc = (text: string, overrides: Partial<ConfigDocument> = {}): ConfigDocument => ({
  projectId: 1,
  path: "/home/dev/shop/quantum.toml",
  location: "projectFolder",
  exists: true,
  text,
  contentHash: `hash of ${text}`,
  diagnostics: [],
  pendingDatasources: [],
  ...overrides,
});

const unknownKey: Diagnostic = {
  line: 3,
  column: 1,
  endLine: 3,
  endColumn: 7,
  severity: "error",
  message: "Unknown key `engnie` in datasource `main`. Did you mean `engine`?",
  code: "config.unknown_key",
};

/** The listener the page gave to `onDataChanged`, to play the core's events. */
let emitChange: (change: Change) => void;

function renderPage(document: ConfigDocument) {
  vi.mocked(api.projectGet).mockResolvedValue({
    id: 1,
    name: "shop",
    description: "",
    folder: "/home/dev/shop",
    createdAt: "2026-11-20T10:00:00Z",
    updatedAt: "2026-11-20T10:00:00Z",
  });
  vi.mocked(api.configGet).mockResolvedValue(document);
  vi.mocked(api.onDataChanged).mockImplementation(async (listener) => {
    emitChange = listener;
    return () => undefined;
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path: "/projects/:projectId/config", element: <ConfigPage /> },
      { path: "/projects/:projectId", element: <p>Project page</p> },
    ],
    { initialEntries: ["/projects/1/config"] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const editor = () => screen.findByRole("textbox", { name: "quantum.toml" });

beforeEach(() => {
  vi.mocked(api.configValidate).mockResolvedValue([]);
  vi.mocked(api.configFormat).mockImplementation(async (text) => text);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ConfigPage", () => {
  it("says where the file is and that saving creates it", async () => {
    const user = renderPage(doc(generated, { exists: false }));
    expect(await screen.findByTestId("config-path")).toHaveTextContent("/home/dev/shop/quantum.toml");
    expect(screen.getByTestId("config-location")).toHaveTextContent("In the project folder");
    expect(screen.getByTestId("config-missing-note")).toBeVisible();
    const save = screen.getByTestId("config-save");
    expect(save).toHaveTextContent("Create file");
    expect(save).toBeEnabled();

    vi.mocked(api.configSave).mockResolvedValue(doc(generated));
    await user.click(save);
    await waitFor(() => expect(api.configSave).toHaveBeenCalledWith(1, generated, `hash of ${generated}`, false));
    expect(await screen.findByText("quantum.toml created")).toBeVisible();
  });

  it("marks unsaved edits and counts the problems the core finds once the typing pauses", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n[[datasources.main]");
    expect(screen.getByTestId("config-dirty")).toHaveTextContent("Unsaved changes");
    expect(screen.getByTestId("config-save")).toBeEnabled();

    vi.mocked(api.configValidate).mockResolvedValue([unknownKey]);
    await user.type(await editor(), "\nengnie = 1");
    await waitFor(() => expect(screen.getByTestId("config-status")).toHaveAttribute("data-errors", "1"));
    expect(screen.getByTestId("config-problems")).toHaveTextContent("1 error");
    expect(api.configValidate).toHaveBeenLastCalledWith(1, `${generated}\n[datasources.main]\nengnie = 1`);
  });

  it("formats, then saves with the hash the edits started from", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n#   note");
    vi.mocked(api.configFormat).mockResolvedValue(`${generated}\n# note`);
    vi.mocked(api.configSave).mockResolvedValue(doc(`${generated}\n# note`));
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => expect(api.configSave).toHaveBeenCalledWith(1, `${generated}\n# note`, `hash of ${generated}`, false));
    expect(await screen.findByText("quantum.toml saved")).toBeVisible();
    await waitFor(() => expect(screen.queryByTestId("config-dirty")).not.toBeInTheDocument());
    expect(await editor()).toHaveValue(`${generated}\n# note`);
  });

  it("keeps the text and says how many errors to fix when the save is refused", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\nengnie = 1");
    vi.mocked(api.configFormat).mockRejectedValue(new ApiError({ code: "config.invalid", message: "does not parse", field: null }));
    vi.mocked(api.configSave).mockRejectedValue(new ApiError({ code: "config.invalid", message: "it has 2 errors", field: null }));
    vi.mocked(api.configValidate).mockResolvedValue([unknownKey, { ...unknownKey, line: 2 }]);
    await user.click(screen.getByTestId("config-save"));
    expect(await screen.findByText("Fix the 2 errors before saving")).toBeVisible();
    expect(api.configSave).toHaveBeenCalledWith(1, `${generated}\nengnie = 1`, `hash of ${generated}`, false);
    expect(await editor()).toHaveValue(`${generated}\nengnie = 1`);
    expect(screen.getByTestId("config-dirty")).toBeVisible();
  });

  it("offers Reload or Overwrite when the file changed on disk before the save", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n# mine");
    const theirs = doc(`${generated}\n# theirs`);
    vi.mocked(api.configSave).mockRejectedValueOnce(
      new ApiError({ code: "config.changed_on_disk", message: "changed", field: null }),
    );
    vi.mocked(api.configGet).mockResolvedValue(theirs);
    await user.click(screen.getByTestId("config-save"));
    expect(await screen.findByTestId("config-conflict")).toHaveTextContent("your edits were not saved");

    vi.mocked(api.configSave).mockResolvedValue(doc(`${generated}\n# mine`));
    await user.click(screen.getByTestId("config-overwrite"));
    await waitFor(() => expect(api.configSave).toHaveBeenLastCalledWith(1, `${generated}\n# mine`, theirs.contentHash, false));
    await waitFor(() => expect(screen.queryByTestId("config-conflict")).not.toBeInTheDocument());
  });

  it("asks before writing through a link out of the project, and writes nothing when told no", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n# mine");
    vi.mocked(api.configFormat).mockResolvedValue(`${generated}\n# mine`);
    const outside = new ApiError({
      code: "files.symlink_outside",
      message: "/work/shop/quantum.toml is a link to /home/me/.bashrc, outside the project folder.",
      field: "path",
    });
    vi.mocked(api.configSave).mockClear();
    vi.mocked(api.configSave).mockImplementation((_project, _text, _hash, allowOutside) =>
      allowOutside ? Promise.resolve(doc(`${generated}\n# mine`)) : Promise.reject(outside),
    );

    await user.click(screen.getByTestId("config-save"));
    const dialog = await screen.findByTestId("link-outside-dialog");
    expect(dialog).toHaveTextContent("/home/me/.bashrc");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("link-outside-dialog")).not.toBeInTheDocument());
    expect(api.configSave).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("config-dirty")).toBeVisible();

    await user.click(screen.getByTestId("config-save"));
    await user.click(await screen.findByTestId("link-outside-confirm"));
    await waitFor(() => expect(api.configSave).toHaveBeenLastCalledWith(1, `${generated}\n# mine`, `hash of ${generated}`, true));
    await waitFor(() => expect(screen.queryByTestId("config-dirty")).not.toBeInTheDocument());
  });

  it("reloads silently when the file changes on disk and there are no edits", async () => {
    renderPage(doc(generated));
    await editor();
    vi.mocked(api.configGet).mockResolvedValue(doc(`${generated}\n# from git`));
    act(() => emitChange({ action: "config.save", resourceType: "config", resourceId: 1 }));
    await waitFor(async () => expect(await editor()).toHaveValue(`${generated}\n# from git`));
    expect(screen.queryByTestId("config-conflict")).not.toBeInTheDocument();
  });

  it("asks before replacing unsaved edits with the file changed on disk", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n# mine");
    vi.mocked(api.configGet).mockResolvedValue(doc(`${generated}\n# from git`));
    act(() => emitChange({ action: "config.save", resourceType: "config", resourceId: 1 }));
    expect(await screen.findByTestId("config-conflict")).toHaveTextContent("quantum.toml changed on disk.");
    await user.click(screen.getByTestId("config-reload"));
    await waitFor(async () => expect(await editor()).toHaveValue(`${generated}\n# from git`));
    expect(screen.queryByTestId("config-dirty")).not.toBeInTheDocument();
  });

  it("asks before leaving with unsaved edits", async () => {
    const user = renderPage(doc(generated));
    await user.type(await editor(), "\n# mine");
    await user.click(screen.getByTestId("config-back"));
    expect(await screen.findByTestId("config-leave-dialog")).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Stay" }));
    expect(await editor()).toHaveValue(`${generated}\n# mine`);

    await user.click(screen.getByTestId("config-back"));
    await user.click(await screen.findByTestId("config-leave-confirm"));
    expect(await screen.findByText("Project page")).toBeVisible();
  });

  it("offers to create the databases the file declares and this machine lacks", async () => {
    const declared = {
      projectId: 1,
      engine: "postgres" as const,
      name: "shop-db",
      image: "postgres:16-alpine",
      hostPort: 55432,
      databaseName: "shop",
      username: null,
      autoStart: null,
      readyTimeoutSecs: null,
      volumeName: null,
    };
    const user = renderPage(doc(generated, { pendingDatasources: [declared] }));
    const panel = await screen.findByTestId("config-pending");
    expect(panel).toHaveTextContent("quantum.toml declares 1 database that is not created on this machine:");
    expect(panel).toHaveTextContent("shop-db (postgres:16-alpine, port 55432)");

    vi.mocked(api.datasourceCreate).mockResolvedValue({ id: 3, name: "shop-db" } as Awaited<ReturnType<typeof api.datasourceCreate>>);
    vi.mocked(api.configGet).mockResolvedValue(doc(generated));
    await user.click(screen.getByTestId("config-pending-create"));
    expect(api.datasourceCreate).toHaveBeenCalledWith(declared);
    expect(await screen.findByText("Database “shop-db” is being set up")).toBeVisible();
    act(() => emitChange({ action: "datasource.create", resourceType: "datasource", resourceId: 3 }));
    await waitFor(() => expect(screen.queryByTestId("config-pending")).not.toBeInTheDocument());
  });
});
