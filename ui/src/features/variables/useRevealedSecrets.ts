import { useCallback, useEffect, useRef, useState } from "react";

/** How long a revealed secret stays on screen before it is masked again. */
export const REVEAL_MS = 30_000;

type Revealed = { value: string; fingerprint: string | null };

/**
 * The secrets the user revealed in this view, by name. Each is masked again after
 * {@link REVEAL_MS}, when the view goes away, or when the secret's fingerprint changes (a new
 * value was set): a revealed value never outlives the view that asked for it.
 */
export function useRevealedSecrets() {
  const [revealed, setRevealed] = useState<ReadonlyMap<string, Revealed>>(new Map());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const hide = useCallback((name: string) => {
    clearTimeout(timers.current.get(name));
    timers.current.delete(name);
    setRevealed((current) => {
      if (!current.has(name)) return current;
      const next = new Map(current);
      next.delete(name);
      return next;
    });
  }, []);

  const show = useCallback(
    (name: string, value: string, fingerprint: string | null) => {
      clearTimeout(timers.current.get(name));
      timers.current.set(
        name,
        setTimeout(() => hide(name), REVEAL_MS),
      );
      setRevealed((current) => new Map(current).set(name, { value, fingerprint }));
    },
    [hide],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      pending.forEach((timer) => clearTimeout(timer));
      pending.clear();
    };
  }, []);

  /** The revealed value of the secret, if it is revealed and still the same secret. */
  const valueOf = useCallback(
    (name: string, fingerprint: string | null) => {
      const entry = revealed.get(name);
      return entry && entry.fingerprint === fingerprint ? entry.value : null;
    },
    [revealed],
  );

  return { valueOf, show, hide };
}
