import { useEffect, useState } from "react";
import { useLocation } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Monitor, Moon, Sun, type LucideIcon } from "lucide-react";
import clsx from "clsx";
import { errorMessage, type EngineInfo, type LogLevel, type Settings, type Theme } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton, SkeletonRows } from "../../components/Skeleton";
import { shortcutLabel } from "../../lib/platform";
import { addDatasourceShortcutKey, navItems, newProjectShortcutKey, paletteShortcutKey, quitShortcutKey } from "../../app/navigation";
import { EngineIcon } from "../datasources/EngineIcon";
import { dockerStatusQuery, enginesQuery } from "../datasources/queries";
import { useCheckForUpdates } from "../updates/queries";
import { appInfoQuery, settingsQuery, useUpdateSettings } from "./queries";
import { SettingRow } from "./SettingRow";
import { TestsSection } from "./TestsSection";

const themes: { value: Theme; label: string; icon: LucideIcon }[] = [
  { value: "light", label: "Light", icon: Sun },
  { value: "dark", label: "Dark", icon: Moon },
  { value: "system", label: "System", icon: Monitor },
];

const logLevels: { value: LogLevel; label: string }[] = [
  { value: "error", label: "Errors only" },
  { value: "warn", label: "Warnings" },
  { value: "info", label: "Info (default)" },
  { value: "debug", label: "Debug" },
  { value: "trace", label: "Trace (very verbose)" },
];

export function SettingsPage() {
  const settings = useQuery(settingsQuery);
  const update = useUpdateSettings();
  // `/settings#docs-url`: another page sends the user to one field (the Docs entry does).
  const { hash } = useLocation();
  const loaded = settings.isSuccess;
  useEffect(() => {
    if (loaded && hash) document.getElementById(hash.slice(1))?.focus();
  }, [loaded, hash]);

  return (
    <div className="page" data-testid="settings-page">
      <PageHeader title="Settings" description="Saved on this computer and applied at once." />
      {settings.isPending ? (
        <SkeletonRows rows={3} label="Loading settings" />
      ) : settings.isError ? (
        <ErrorState title="Settings could not be loaded" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <>
          <SettingsForm settings={settings.data} onChange={(patch) => update.mutate({ ...settings.data, ...patch })} />
          <DatabaseImagesSection
            settings={settings.data}
            onChange={(engineImages) => update.mutate({ ...settings.data, engineImages })}
          />
          <UpdatesSection settings={settings.data} onChange={(patch) => update.mutate({ ...settings.data, ...patch })} />
          <TestsSection settings={settings.data} onChange={(patch) => update.mutate({ ...settings.data, ...patch })} />
        </>
      )}
      <ShortcutsSection />
      <AboutSection />
    </div>
  );
}

function SettingsForm({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  return (
    <section className="panel settings-section" aria-labelledby="settings-general">
      <h2 className="panel-title" id="settings-general">
        General
      </h2>
      <SettingRow
        label={<span id="theme-label">Theme</span>}
        description="System follows your desktop's light or dark preference as it changes."
        control={
          <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
            {themes.map(({ value, label, icon: Icon }) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={settings.theme === value}
                className={clsx("segment", settings.theme === value && "segment-selected")}
                onClick={() => onChange({ theme: value })}
                data-testid={`theme-option-${value}`}
              >
                <Icon size={14} aria-hidden />
                {label}
              </button>
            ))}
          </div>
        }
      />
      <SettingRow
        label={<span id="close-to-tray-label">Close to tray</span>}
        description="Closing the window keeps Quantum Admin running in the system tray. Quit it from the tray menu."
        control={
          <button
            type="button"
            role="switch"
            aria-checked={settings.closeToTray}
            aria-labelledby="close-to-tray-label"
            className="switch"
            onClick={() => onChange({ closeToTray: !settings.closeToTray })}
            data-testid="close-to-tray-switch"
          >
            <span className="switch-thumb" />
          </button>
        }
      />
      <SettingRow
        label={<span id="start-at-login-label">Start at login</span>}
        description="Starts Quantum Admin in the tray when you log in to this computer, so your databases can start with it."
        control={
          <Switch
            checked={settings.startAtLogin}
            labelledBy="start-at-login-label"
            onToggle={() => onChange({ startAtLogin: !settings.startAtLogin })}
            testId="start-at-login-switch"
          />
        }
      />
      <SettingRow
        label={<span id="desktop-notifications-label">Desktop notifications</span>}
        description="Tells you through your desktop's notifications when something needs you while you look elsewhere, e.g. a database that failed."
        control={
          <Switch
            checked={settings.desktopNotifications}
            labelledBy="desktop-notifications-label"
            onToggle={() => onChange({ desktopNotifications: !settings.desktopNotifications })}
            testId="desktop-notifications-switch"
          />
        }
      />
      <SettingRow
        label={<label htmlFor="log-level">Log level</label>}
        description="How much detail goes into the log files. Raise it when reporting a problem."
        control={
          <select
            id="log-level"
            className="select"
            value={settings.logLevel}
            onChange={(event) => onChange({ logLevel: event.target.value as LogLevel })}
            data-testid="log-level-select"
          >
            {logLevels.map((level) => (
              <option key={level.value} value={level.value}>
                {level.label}
              </option>
            ))}
          </select>
        }
      />
      <SettingRow
        label={<label htmlFor="snapshots-kept">Snapshots kept per database</label>}
        description="Taking one more deletes the oldest, and the app says which. Snapshots are whole copies of a database: each takes its size on disk."
        control={
          <select
            id="snapshots-kept"
            className="select"
            value={settings.snapshotsKept}
            onChange={(event) => onChange({ snapshotsKept: Number(event.target.value) })}
            data-testid="snapshots-kept-select"
          >
            {[...new Set([1, 3, 5, 10, 20, 50, 100, settings.snapshotsKept])]
              .sort((a, b) => a - b)
              .map((kept) => (
                <option key={kept} value={kept}>
                  {kept}
                </option>
              ))}
          </select>
        }
      />
      <AddressRow
        id="docs-url"
        label="Documentation"
        description="Where the sidebar's Docs entry leads: your team's handbook, the project's wiki. Opens in your browser."
        placeholder="https://…"
        saved={settings.docsUrl ?? ""}
        onSave={(address) => onChange({ docsUrl: address === "" ? null : address })}
      />
    </section>
  );
}

type DatabaseImagesSectionProps = { settings: Settings; onChange: (engineImages: Settings["engineImages"]) => void };

function DatabaseImagesSection({ settings, onChange }: DatabaseImagesSectionProps) {
  const engines = useQuery(enginesQuery);
  return (
    <section className="panel settings-section" aria-labelledby="settings-images">
      <h2 className="panel-title" id="settings-images">
        Database images
      </h2>
      <p className="setting-description settings-section-intro">
        The image a new database of each engine uses unless its form names another, e.g. a company mirror or a pinned
        tag. Leave a field empty for the official image. Existing databases keep theirs.
      </p>
      {engines.isPending ? (
        <SkeletonRows rows={5} label="Loading the engines" />
      ) : engines.isError ? (
        <ErrorState title="The engines could not be loaded" error={engines.error} onRetry={() => void engines.refetch()} />
      ) : (
        engines.data.map((engine) => (
          <EngineImageRow
            key={engine.engine}
            engine={engine}
            saved={settings.engineImages[engine.engine] ?? ""}
            onSave={(image) => {
              const { [engine.engine]: _previous, ...others } = settings.engineImages;
              onChange(image ? { ...others, [engine.engine]: image } : others);
            }}
          />
        ))
      )}
    </section>
  );
}

/** Saves when the field is left or Enter is pressed, not at every keystroke. */
function EngineImageRow({ engine, saved, onSave }: { engine: EngineInfo; saved: string; onSave: (image: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const inputId = `engine-image-${engine.engine}`;
  const commit = () => {
    if (draft !== null && draft.trim() !== saved) onSave(draft.trim());
    setDraft(null);
  };
  return (
    <SettingRow
      label={
        <span className="engine-image-label">
          <EngineIcon engine={engine.engine} size={20} />
          <label htmlFor={inputId}>{engine.label}</label>
        </span>
      }
      description={<span className="mono">Official: {engine.officialImage}</span>}
      control={
        <input
          id={inputId}
          className="input input-mono engine-image-input"
          value={draft ?? saved}
          placeholder={engine.officialImage}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === "Enter") commit();
          }}
          data-testid={`engine-image-${engine.engine}`}
        />
      }
    />
  );
}

function Switch({ checked, labelledBy, onToggle, testId }: { checked: boolean; labelledBy: string; onToggle: () => void; testId: string }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-labelledby={labelledBy}
      className="switch"
      onClick={onToggle}
      data-testid={testId}
    >
      <span className="switch-thumb" />
    </button>
  );
}

function UpdatesSection({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  const check = useCheckForUpdates();
  return (
    <section className="panel settings-section" aria-labelledby="settings-updates">
      <h2 className="panel-title" id="settings-updates">
        Updates
      </h2>
      <SettingRow
        label={<span id="auto-check-label">Check for updates automatically</span>}
        description="At start and every six hours, in installed releases (development builds never check by themselves). A found update is announced; nothing is installed without your say."
        control={
          <Switch
            checked={settings.autoCheckUpdates}
            labelledBy="auto-check-label"
            onToggle={() => onChange({ autoCheckUpdates: !settings.autoCheckUpdates })}
            testId="auto-check-switch"
          />
        }
      />
      <SettingRow
        label={<span id="auto-install-label">Install updates automatically</span>}
        description="Installs a found update and restarts, only while no database is being created, started or stopped. Off: the update waits for you."
        control={
          <Switch
            checked={settings.autoInstallUpdates}
            labelledBy="auto-install-label"
            onToggle={() => onChange({ autoInstallUpdates: !settings.autoInstallUpdates })}
            testId="auto-install-switch"
          />
        }
      />
      <AddressRow
        id="update-endpoint"
        label="Update server"
        description="The address of a latest.json that replaces the default server, e.g. your company's mirror. https; plain http only to this computer, in development builds. Empty: the default."
        placeholder="https://…/latest.json"
        saved={settings.updateEndpoint ?? ""}
        onSave={(endpoint) => onChange({ updateEndpoint: endpoint === "" ? null : endpoint })}
      />
      {settings.skippedVersion ? (
        <SettingRow
          label="Skipped version"
          description={`Automatic checks do not announce ${settings.skippedVersion}.`}
          control={
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => onChange({ skippedVersion: null })}
              data-testid="unskip-version"
            >
              Stop skipping
            </button>
          }
        />
      ) : null}
      <SettingRow
        label="Check now"
        description="Asks the update server at once. A skipped version is shown too."
        control={
          <div className="update-check">
            {check.isError ? (
              <span className="update-check-result" role="alert" data-testid="update-check-result">
                {errorMessage(check.error)}
              </span>
            ) : check.isSuccess ? (
              <span className="update-check-result" role="status" data-testid="update-check-result">
                {check.data ? `Version ${check.data.version} is available.` : "Quantum Admin is up to date."}
              </span>
            ) : null}
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={check.isPending}
              onClick={() => check.mutate()}
              data-testid="update-check-now"
            >
              {check.isPending ? <span className="spinner spinner-small" aria-hidden /> : null}
              Check now
            </button>
          </div>
        }
      />
    </section>
  );
}

/** Saves when the field is left or Enter is pressed; the core refuses an address it cannot use. */
type AddressRowProps = {
  id: string;
  label: string;
  description: string;
  placeholder: string;
  saved: string;
  onSave: (address: string) => void;
};

/** A web address saved when the field is left or Enter is pressed; empty means none. */
function AddressRow({ id, label, description, placeholder, saved, onSave }: AddressRowProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft.trim() !== saved) onSave(draft.trim());
    setDraft(null);
  };
  return (
    <SettingRow
      label={<label htmlFor={id}>{label}</label>}
      description={description}
      control={
        <input
          id={id}
          className="input input-mono engine-image-input"
          value={draft ?? saved}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === "Enter") commit();
          }}
          data-testid={id}
        />
      }
    />
  );
}

function ShortcutsSection() {
  const shortcuts = [
    { keys: shortcutLabel(paletteShortcutKey), action: "Command palette: go anywhere, run an action" },
    ...navItems.map((item) => ({ keys: shortcutLabel(item.shortcutKey), action: `Go to ${item.label}` })),
    { keys: shortcutLabel(newProjectShortcutKey), action: "New project" },
    { keys: shortcutLabel(addDatasourceShortcutKey), action: "Add a database (on a project's page)" },
    { keys: shortcutLabel(quitShortcutKey), action: "Quit (after running database operations end)" },
    { keys: "Esc", action: "Close a dialog" },
  ];
  return (
    <section className="panel settings-section" aria-labelledby="settings-shortcuts">
      <h2 className="panel-title" id="settings-shortcuts">
        Keyboard shortcuts
      </h2>
      <dl className="shortcuts">
        {shortcuts.map((shortcut) => (
          <div key={shortcut.action} className="shortcut">
            <dt>{shortcut.action}</dt>
            <dd>
              <kbd>{shortcut.keys}</kbd>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function AboutSection() {
  const info = useQuery(appInfoQuery);
  const docker = useQuery(dockerStatusQuery);
  const rows = info.data
    ? [
        { label: "Version", value: info.data.version, testId: "about-version" },
        { label: "Data folder", value: info.data.dataDir, testId: "about-data-dir" },
        { label: "Log folder", value: info.data.logDir, testId: "about-log-dir" },
        { label: "Database file", value: info.data.databaseFile, testId: "about-database-file" },
        { label: "Docker Engine", value: docker.data?.endpoint ?? "Not reached yet", testId: "about-docker" },
      ]
    : [];
  return (
    <section className="panel settings-section" aria-labelledby="settings-about">
      <h2 className="panel-title" id="settings-about">
        About Quantum Admin
      </h2>
      {info.isError ? (
        <ErrorState error={info.error} onRetry={() => void info.refetch()} />
      ) : (
        <dl className="properties">
          {info.data
            ? rows.map((row) => (
                <div key={row.label} className="property">
                  <dt>{row.label}</dt>
                  <dd className="mono selectable" data-testid={row.testId}>
                    {row.value}
                  </dd>
                </div>
              ))
            : [0, 1, 2, 3, 4].map((index) => (
                <div key={index} className="property">
                  <dt>
                    <Skeleton width={80} />
                  </dt>
                  <dd>
                    <Skeleton width="60%" />
                  </dd>
                </div>
              ))}
        </dl>
      )}
    </section>
  );
}
