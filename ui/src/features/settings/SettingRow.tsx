import type { ReactNode } from "react";

/** One setting: its label and what it does, and its control. */
export function SettingRow({ label, description, control }: { label: ReactNode; description: ReactNode; control: ReactNode }) {
  return (
    <div className="setting-row">
      <div className="setting-text">
        <div className="setting-label">{label}</div>
        <div className="setting-description">{description}</div>
      </div>
      <div className="setting-control">{control}</div>
    </div>
  );
}
