use std::net::IpAddr;

use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Flags an entry of a controller's trusted-proxy list (ingress-nginx `proxy-real-ip-cidr`,
    /// F5 NGINX `set-real-ip-from`, Traefik `forwardedHeaders.trustedIPs` and
    /// `proxyProtocol.trustedIPs`, Kong `trusted_ips`, HAProxy `proxy-protocol`, Envoy Gateway
    /// `trustedCIDRs`, NGINX Gateway Fabric `trustedAddresses`) that is neither an
    /// IP address nor a CIDR, nor another form the controller documents (`unix:`, or a host name
    /// where nginx resolves one): an unreplaced placeholder such as `XXX.XXX.XXX/XX`, a prefix over
    /// /32 (IPv4) or /128 (IPv6).
    ///
    /// ## Why is this bad?
    /// nginx refuses the configuration (`host not found in set_real_ip_from`), so the controller
    /// cannot load it; Traefik and Kong refuse to start. Where a controller skips the entry
    /// instead, it trusts nothing and every client address is the load balancer's.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   use-forwarded-headers: "true"
    ///   proxy-real-ip-cidr: "XXX.XXX.XXX/XX"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// data:
    ///   proxy-real-ip-cidr: "10.0.0.0/16"
    /// ```
    ///
    /// ## References
    /// - https://nginx.org/en/docs/http/ngx_http_realip_module.html#set_real_ip_from
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#proxy-real-ip-cidr
    "forwarded-trust-cidr-invalid",
    Error,
    "a trusted-proxy list holds something that is not an IP address or CIDR",
    check,
}

/// Why this entry is not an address the controller accepts, if it is not.
pub fn problem(entry: &str, hostname_ok: bool) -> Option<String> {
    if hostname_ok && entry.starts_with("unix:") {
        return None;
    }
    let (addr, prefix) = match entry.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (entry, None),
    };
    match addr.parse::<IpAddr>() {
        Ok(ip) => {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            match prefix.map(str::parse::<u8>) {
                None => None,
                Some(Ok(p)) if p <= max => None,
                Some(Ok(p)) => Some(format!(
                    "a /{p} prefix is longer than an {} address (/{max})",
                    if ip.is_ipv4() { "IPv4" } else { "IPv6" }
                )),
                Some(Err(_)) => Some(format!("`/{}` is not a prefix length", prefix.unwrap_or_default())),
            }
        }
        Err(_) if prefix.is_none() && hostname_ok && is_hostname(addr) => None,
        Err(_) => Some("it is neither an IP address nor a CIDR".to_owned()),
    }
}

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        })
        && !s.split('.').all(|l| l.chars().all(|c| c.is_ascii_digit()))
        && s.chars().any(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for ctrl in &model.controllers {
        let name = ctrl.proxy.map_or("the controller", |p| p.name);
        for e in &ctrl.trust.entries {
            if !seen.insert((e.loc, e.value.clone())) {
                continue;
            }
            let Some(why) = problem(&e.value, e.hostname_ok) else { continue };
            out.push(
                Finding::new(
                    e.loc,
                    format!("`{}` in `{}` is not a valid trusted address ({why}): {name} refuses the setting or trusts nothing", e.value, e.setting),
                    format!("write the load balancer's address range in `{}`, for example `10.0.0.0/16`", e.setting),
                )
                .on(e.obj),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn addresses_cidrs_and_what_nginx_also_takes() {
        assert_eq!(problem("10.0.0.0/16", false), None);
        assert_eq!(problem("192.168.1.1", false), None);
        assert_eq!(problem("::/0", false), None);
        assert_eq!(problem("2001:db8::/32", false), None);
        assert_eq!(problem("unix:", true), None);
        assert_eq!(problem("lb.example.com", true), None);
        assert!(problem("lb.example.com", false).is_some());
        assert!(problem("XXX.XXX.XXX/XX", true).is_some());
        assert!(problem("10.0.0.0/33", false).unwrap().contains("/33"));
        assert!(problem("fe80::/129", true).is_some());
        assert!(problem("1.2.3.4.5", true).is_some());
    }
}
