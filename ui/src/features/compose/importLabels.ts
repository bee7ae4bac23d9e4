import type { DataVolume, PasswordSource } from "../../api";

/** Where a service's password is, and that it goes to the keychain. */
export function passwordLabel(password: PasswordSource): string {
  switch (password.kind) {
    case "literal":
      return `written in the file (${password.key}): moved to the keychain`;
    case "variable":
      return `\${${password.name}} from .env: kept in the keychain`;
    case "envFile":
      return `from ${password.path}: kept in the keychain`;
    case "command":
      return "in the command (--requirepass): kept in the keychain";
    case "none":
      return "none found: the app makes one";
  }
}

/** Which data the datasource starts on. */
export function dataLabel(volume: DataVolume, exists: boolean): string {
  switch (volume.kind) {
    case "named":
      return exists ? `volume ${volume.name}: its data is kept` : `volume ${volume.name} (new: nothing there yet)`;
    case "bind":
      return `a copy of ${volume.path} in a new volume (the folder stays as it is)`;
    case "none":
      return "a new, empty volume";
  }
}
