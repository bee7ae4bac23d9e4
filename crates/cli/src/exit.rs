//! Exit codes that mean something to a script (listed in `quantum --help`), from the core's
//! stable error codes.

use quantum_kernel::ErrorInfo;

pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const NOT_FOUND: u8 = 3;
pub const INVALID: u8 = 4;
pub const DOCKER: u8 = 5;
pub const SECRETS: u8 = 6;
/// Ctrl+C, as shells count it (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

pub fn code_of(error: &ErrorInfo) -> u8 {
    let code = error.code.as_str();
    if code.ends_with(".not_found") {
        NOT_FOUND
    } else if code == "docker.unavailable" || code == "docker.context_invalid" {
        DOCKER
    } else if code.starts_with("secrets.") || code.starts_with("keychain.") {
        SECRETS
    } else if error.field.is_some() || code.starts_with("validation.") || code.starts_with("cli.") {
        INVALID
    } else {
        FAILED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_kind_of_error() {
        let of = |code: &str| code_of(&ErrorInfo::new(code, "m"));
        assert_eq!(of("project.not_found"), NOT_FOUND);
        assert_eq!(of("datasource.not_found"), NOT_FOUND);
        assert_eq!(of("docker.unavailable"), DOCKER);
        assert_eq!(of("secrets.vault_locked"), SECRETS);
        assert_eq!(of("cli.ambiguous_project"), INVALID);
        assert_eq!(
            code_of(&ErrorInfo::new("project.name_taken", "m").with_field("name")),
            INVALID
        );
        assert_eq!(of("migrations.failed"), FAILED);
    }
}
