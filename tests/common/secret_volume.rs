//! A Kubernetes secret volume on disk: `tls.crt` -> `..data/tls.crt`,
//! `..data` -> a timestamped directory, swapped with rename(2) on update.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The volume in `dir`, holding one certificate chain and key.
pub struct SecretVolume {
    dir: PathBuf,
    generation: u32,
}

impl SecretVolume {
    pub fn new(dir: &Path, cert: &str, key: &str) -> SecretVolume {
        let mut volume = SecretVolume {
            dir: dir.to_owned(),
            generation: 0,
        };
        volume.publish(cert, key);
        std::os::unix::fs::symlink("..data/tls.crt", dir.join("tls.crt")).unwrap();
        std::os::unix::fs::symlink("..data/tls.key", dir.join("tls.key")).unwrap();
        volume
    }

    /// Writes a new timestamped directory and swaps `..data` with rename(2).
    pub fn publish(&mut self, cert: &str, key: &str) {
        self.generation += 1;
        let name = format!("..2026_11_28_{:04}", self.generation);
        let target = self.dir.join(&name);
        fs::create_dir(&target).unwrap();
        fs::write(target.join("tls.crt"), cert).unwrap();
        fs::write(target.join("tls.key"), key).unwrap();
        let tmp = self.dir.join("..data_tmp");
        std::os::unix::fs::symlink(&name, &tmp).unwrap();
        fs::rename(&tmp, self.dir.join("..data")).unwrap();
    }
}
