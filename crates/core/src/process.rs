//! Process-wide hardening the adapters apply at start: decrypted case data in this process's
//! memory must not reach a core dump, nor be read by another program of the same user.

use crate::{Error, Result};

/// Marks the process not dumpable (`PR_SET_DUMPABLE` 0): no core file is written if it
/// crashes, and processes of the same user can neither attach a debugger nor read its memory
/// through `/proc`. Linux only; elsewhere this does nothing.
pub fn harden() -> Result<()> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_dumpable(false).map_err(|errno| {
        Error::io(
            "cannot keep this process out of core dumps",
            std::io::Error::from(errno),
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn the_process_is_no_longer_dumpable() -> crate::Result<()> {
        super::harden()?;
        assert_eq!(nix::sys::prctl::get_dumpable().ok(), Some(false));
        Ok(())
    }
}
