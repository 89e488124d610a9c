//! Name constraints of the CAs of a server's chain, as OpenSSL's
//! `NAME_CONSTRAINTS_check` applies them: DNS names and IP addresses of the
//! subjectAltName, the subject as a directory name, and the server
//! certificate's common name as a host name when it has no DNS name.

use x509_parser::extensions::{GeneralName, NameConstraints};
use x509_parser::prelude::FromDer;

use super::path::{constraint, tlv, Node};
use crate::error::{ChainConstraint, Result};

/// Checks the names of `below` (the certificates under the CA `ca`) against
/// its name constraints, as OpenSSL's NAME_CONSTRAINTS_check: DNS names and
/// IP addresses of the subjectAltName, the subject as a directory name, and
/// the server certificate's common name as a host name when it has no DNS
/// name. Other name types under a constraint of their type are refused:
/// console-tls does not check them.
pub(super) fn check_subtrees(
    nc: &NameConstraints<'_>,
    ca: &str,
    below: &[&Node<'_>],
) -> Result<()> {
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or(&[]);
    for (position, node) in below.iter().enumerate() {
        if position > 0 && node.self_issued() {
            continue;
        }
        let mut names: Vec<Name<'_>> = Vec::new();
        if let Ok(Some(san)) = node.parsed.subject_alternative_name() {
            for general in &san.value.general_names {
                names.push(match general {
                    GeneralName::DNSName(dns) => Name::Dns(dns),
                    GeneralName::IPAddress(ip) => Name::Ip(ip),
                    GeneralName::RFC822Name(email) => Name::Other("email", email),
                    GeneralName::URI(uri) => Name::Other("URI", uri),
                    _ => continue,
                });
            }
        }
        if position == 0 && !names.iter().any(|n| matches!(n, Name::Dns(_))) {
            for cn in node.parsed.subject().iter_common_name() {
                if let Ok(cn) = cn.as_str() {
                    if looks_like_host(cn) {
                        names.push(Name::Dns(cn));
                    }
                }
            }
        }
        let subject = node.parsed.subject().as_raw();
        let subject_is_empty = node.parsed.subject().iter_rdn().next().is_none();
        if !subject_is_empty {
            names.push(Name::Directory(subject));
        }
        for name in names {
            let matches = |tree: &x509_parser::extensions::GeneralSubtree<'_>| {
                subtree_matches(&tree.base, &name)
            };
            let shown = name.to_string();
            if excluded.iter().any(|t| matches(t) == Some(true)) {
                return Err(constraint(ChainConstraint::NameConstraints {
                    ca: ca.to_owned(),
                    name: shown,
                    excluded: true,
                }));
            }
            let of_type: Vec<_> = permitted.iter().filter_map(matches).collect();
            if !of_type.is_empty() && !of_type.contains(&true) {
                return Err(constraint(ChainConstraint::NameConstraints {
                    ca: ca.to_owned(),
                    name: shown,
                    excluded: false,
                }));
            }
            if let Name::Other(..) = name {
                let constrained = permitted
                    .iter()
                    .chain(excluded)
                    .any(|t| same_type(&t.base, &name));
                if constrained {
                    return Err(constraint(ChainConstraint::NameConstraints {
                        ca: ca.to_owned(),
                        name: shown,
                        excluded: false,
                    }));
                }
            }
        }
    }
    Ok(())
}

enum Name<'a> {
    Dns(&'a str),
    Ip(&'a [u8]),
    Directory(&'a [u8]),
    Other(&'static str, &'a str),
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Dns(dns) => write!(f, "DNS:{dns}"),
            Name::Ip(ip) => match ip.len() {
                4 => write!(f, "IP Address:{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
                16 => {
                    let mut octets = [0u8; 16];
                    octets.copy_from_slice(ip);
                    write!(f, "IP Address:{}", std::net::Ipv6Addr::from(octets))
                }
                _ => f.write_str("an IP address of unusual length"),
            },
            Name::Directory(raw) => match x509_parser::x509::X509Name::from_der(raw) {
                Ok((_, name)) => write!(f, "the subject {name}"),
                Err(_) => f.write_str("the subject"),
            },
            Name::Other(kind, value) => write!(f, "{kind}:{value}"),
        }
    }
}

fn same_type(base: &GeneralName<'_>, name: &Name<'_>) -> bool {
    matches!(
        (base, name),
        (GeneralName::RFC822Name(_), Name::Other("email", _))
            | (GeneralName::URI(_), Name::Other("URI", _))
    )
}

/// Whether a subtree matches a name: None when the subtree is of another
/// type (it neither permits nor excludes the name).
fn subtree_matches(base: &GeneralName<'_>, name: &Name<'_>) -> Option<bool> {
    match (base, name) {
        (GeneralName::DNSName(base), Name::Dns(dns)) => Some(dns_within(dns, base)),
        (GeneralName::IPAddress(base), Name::Ip(ip)) => Some(ip_within(ip, base)),
        (GeneralName::DirectoryName(base), Name::Directory(subject)) => {
            Some(directory_within(subject, base.as_raw()))
        }
        _ => None,
    }
}

/// OpenSSL's nc_dns: the constraint is a suffix of the name on a label
/// boundary (a leading dot in the constraint means subdomains only);
/// case-insensitive; an empty constraint matches everything.
fn dns_within(dns: &str, base: &str) -> bool {
    let (dns, base) = (dns.as_bytes(), base.as_bytes());
    if base.is_empty() {
        return true;
    }
    if dns.len() < base.len() {
        return false;
    }
    let start = dns.len() - base.len();
    if start > 0 && base[0] != b'.' && dns[start - 1] != b'.' {
        return false;
    }
    dns[start..].eq_ignore_ascii_case(base)
}

/// An address and mask (8 or 32 bytes) against an address of the same family.
fn ip_within(ip: &[u8], base: &[u8]) -> bool {
    if base.len() != ip.len() * 2 {
        return false;
    }
    let (address, mask) = base.split_at(ip.len());
    ip.iter()
        .zip(address)
        .zip(mask)
        .all(|((i, a), m)| i & m == a & m)
}

/// The constraint's relative distinguished names begin the subject's.
fn directory_within(subject: &[u8], base: &[u8]) -> bool {
    match (tlv(subject), tlv(base)) {
        (Some(subject), Some(base)) => subject.contents.starts_with(base.contents),
        _ => false,
    }
}

/// A common name OpenSSL would check as a host name: letters, digits,
/// hyphens and at least one dot.
fn looks_like_host(cn: &str) -> bool {
    cn.contains('.')
        && cn
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'*')
}

#[cfg(test)]
mod tests {
    use super::{dns_within, ip_within};

    #[test]
    fn dns_constraints_match_on_label_boundaries() {
        assert!(dns_within("allowed.test", "allowed.test"));
        assert!(dns_within("www.Allowed.test", "allowed.test"));
        assert!(dns_within("*.allowed.test", "allowed.test"));
        assert!(!dns_within("notallowed.test", "allowed.test"));
        assert!(dns_within("www.allowed.test", ".allowed.test"));
        assert!(!dns_within("allowed.test", ".allowed.test"));
        assert!(dns_within("anything.example", ""));
    }

    #[test]
    fn ip_constraints_use_the_mask_and_the_family() {
        let net = [127, 0, 0, 0, 255, 0, 0, 0];
        assert!(ip_within(&[127, 1, 2, 3], &net));
        assert!(!ip_within(&[10, 0, 0, 1], &net));
        assert!(!ip_within(&[0; 16], &net));
    }
}
