//! Checks of what the "Add database" form sends, made before anything is stored or Docker is
//! asked: a field the database constrains is refused here with a field error, never by SQLite's
//! CHECK (which the user would read as "the app's database could not be used").

use quantum_kernel::input::NumberInput;

use crate::{Error, Result};

/// The port asked for, if any. It arrives as any number so that a value that is no port at all
/// (70000, -1, 5432.5) is refused here by field rather than by IPC's bare deserialization error.
pub(crate) fn host_port(port: Option<NumberInput>) -> Result<Option<u16>> {
    port.map(|port| {
        let whole = match &port {
            NumberInput::Whole(value) => Some(*value),
            NumberInput::NotWhole(_) => None,
        };
        whole
            .and_then(|value| u16::try_from(value).ok())
            .filter(|port| *port != 0)
            .ok_or_else(|| {
                let port = match port {
                    NumberInput::Whole(value) => value.to_string(),
                    NumberInput::NotWhole(text) => text,
                };
                Error::validation(
                    "validation.invalid_datasource",
                    "hostPort",
                    format!(
                        "{port} is not a port. Give one from 1 to 65535, or leave it empty to use a free one."
                    ),
                )
            })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use quantum_kernel::Coded;

    use super::*;

    #[test]
    fn only_ports_from_1_to_65535_are_taken() {
        assert_eq!(host_port(None).expect("none"), None);
        assert_eq!(host_port(Some(1.into())).expect("1"), Some(1));
        assert_eq!(host_port(Some(65535.into())).expect("max"), Some(65535));
        let refused = [0, -1, 65536, 70000]
            .map(NumberInput::Whole)
            .into_iter()
            .chain([
                NumberInput::NotWhole("5432.5".into()),
                NumberInput::NotWhole("\"abc\"".into()),
            ]);
        for port in refused {
            let error = host_port(Some(port.clone())).expect_err("refused");
            assert_eq!(error.field(), Some("hostPort"), "{port:?}");
            assert!(error.to_string().contains("65535"), "{error}");
        }
    }
}
