import { Search } from "lucide-react";

/** The filter over a resource table. */
export function SearchBox({ label, value, onChange, testId }: { label: string; value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <label className="search">
      <Search size={14} aria-hidden className="search-icon" />
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        className="input search-input"
        placeholder={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </label>
  );
}
