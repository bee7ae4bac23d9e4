import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { MoreHorizontal, type LucideIcon } from "lucide-react";
import clsx from "clsx";

export type MenuItem = {
  label: string;
  icon: LucideIcon;
  onSelect: () => void;
  disabled?: boolean;
  /** Says why the item is disabled, or more about what it does. */
  title?: string;
  danger?: boolean;
  testId?: string;
};

type MenuProps = {
  label: string;
  items: MenuItem[];
  testId?: string;
  /** A text button (e.g. “History”) instead of the "more actions" icon. */
  trigger?: { text: string; icon: LucideIcon };
  /** Said in the open menu when it has no items. */
  empty?: string;
};

/**
 * A "more actions" button with a menu: arrow keys move between items, Esc or a click elsewhere
 * closes it and focus returns to the button.
 */
export function Menu({ label, items, testId, trigger: triggerButton, empty }: MenuProps) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  const enabledItems = () =>
    Array.from(wrapper.current?.querySelectorAll<HTMLButtonElement>("[role=menuitem]:not(:disabled)") ?? []);

  useEffect(() => {
    if (!open) return;
    enabledItems()[0]?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const focusable = enabledItems();
    const index = focusable.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      focusable[(index + step + focusable.length) % focusable.length]?.focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      (event.key === "Home" ? focusable[0] : focusable.at(-1))?.focus();
    } else if (event.key === "Tab") {
      setOpen(false);
    }
  };

  return (
    <div className="menu-wrapper" ref={wrapper}>
      <button
        ref={trigger}
        type="button"
        className={triggerButton ? "button button-secondary" : "icon-button"}
        aria-label={triggerButton ? undefined : label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((current) => !current)}
        data-testid={testId}
      >
        {triggerButton ? (
          <>
            <triggerButton.icon size={14} aria-hidden />
            {triggerButton.text}
          </>
        ) : (
          <MoreHorizontal size={16} aria-hidden />
        )}
      </button>
      {open && (
        <div id={menuId} role="menu" aria-label={label} className="menu" onKeyDown={onKeyDown}>
          {items.length === 0 && empty && <p className="menu-empty muted small">{empty}</p>}
          {items.map(({ label: itemLabel, icon: Icon, onSelect, disabled, title, danger, testId: itemTestId }, index) => (
            <button
              // Labels may repeat (two scripts that start alike): the position keeps keys apart.
              key={`${index}:${itemLabel}`}
              type="button"
              role="menuitem"
              className={clsx("menu-item", danger && "menu-item-danger")}
              disabled={disabled}
              title={title}
              tabIndex={-1}
              data-testid={itemTestId}
              onClick={() => {
                // Focus goes back first, so a dialog the item opens returns it there.
                close();
                onSelect();
              }}
            >
              <Icon size={14} aria-hidden />
              {itemLabel}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
