// Validation while the user types: one call per pause, and only the answer to the latest text
// counts, whatever order the answers come back in.

type DebouncedValidatorOptions<T> = {
  validate: (text: string) => Promise<T>;
  /** Called with the answer for the latest scheduled text only. */
  onResult: (result: T, text: string) => void;
  onError: (error: unknown) => void;
  delayMs: number;
};

export type DebouncedValidator = {
  /** Validates `text` once no newer text came for the delay; answers for older texts are dropped. */
  schedule: (text: string) => void;
  /** Drops the pending call and any answer still on its way. */
  cancel: () => void;
};

export function createDebouncedValidator<T>({
  validate,
  onResult,
  onError,
  delayMs,
}: DebouncedValidatorOptions<T>): DebouncedValidator {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;

  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    latest += 1;
  };

  return {
    schedule(text) {
      cancel();
      const ticket = latest;
      timer = setTimeout(() => {
        timer = undefined;
        validate(text).then(
          (result) => {
            if (ticket === latest) onResult(result, text);
          },
          (error: unknown) => {
            if (ticket === latest) onError(error);
          },
        );
      }, delayMs);
    },
    cancel,
  };
}
