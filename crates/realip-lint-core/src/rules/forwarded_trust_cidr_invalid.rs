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
    /// /32 (IPv4) or /128 (IPv6), or two ingress-nginx entries separated by a space (it splits
    /// the list at commas only). An entry nginx reads as written is judged as nginx reads it:
    /// `010.0.0.0/8` is 10.0.0.0/8 to nginx. ingress-nginx's `proxy-real-ip-cidr` is checked
    /// only when `use-forwarded-headers`, `use-proxy-protocol` or `enable-real-ip` is on: with
    /// all three off nginx never receives it.
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
    category: ClientIp,
    hops: [Controller],
}

/// Why this entry is not an address the controller accepts, if it is not. `nginx`: the entry
/// reaches nginx's `set_real_ip_from` as written (it also takes `unix:`, a host name, and IPv4
/// octets with leading zeros, which `ngx_inet_addr` reads as decimal); `unix_ok`: the controller
/// takes `unix:` (Kong's `trusted_ips`).
pub fn problem(entry: &str, nginx: bool, unix_ok: bool) -> Option<String> {
    if (nginx || unix_ok) && entry == "unix:" || nginx && entry.starts_with("unix:") {
        return None;
    }
    if entry.contains(char::is_whitespace) {
        return Some(
            "the list is split at commas only, so this is one entry with a space in it; write `a, b`".to_owned(),
        );
    }
    let (addr, prefix) = match entry.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (entry, None),
    };
    let parsed = addr.parse::<IpAddr>().ok().or_else(|| if nginx { nginx_ipv4(addr) } else { None });
    match parsed.ok_or(()) {
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
        Err(()) if prefix.is_none() && nginx && is_hostname(addr) => None,
        Err(()) => Some("it is neither an IP address nor a CIDR".to_owned()),
    }
}

/// nginx's `ngx_inet_addr`: four dot-separated decimal octets, each at most 255, leading zeros
/// read as decimal (`010.0.0.1` is 10.0.0.1).
fn nginx_ipv4(s: &str) -> Option<IpAddr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = part.bytes().try_fold(0u32, |acc, b| {
            let v = acc * 10 + u32::from(b - b'0');
            (v <= 255).then_some(v)
        })?;
        *o = u8::try_from(v).ok()?;
    }
    parts.next().is_none().then(|| IpAddr::from(octets))
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
            let Some(why) = problem(&e.value, e.hostname_ok, e.setting == "trusted_ips") else { continue };
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
        assert_eq!(problem("10.0.0.0/16", false, false), None);
        assert_eq!(problem("192.168.1.1", false, false), None);
        assert_eq!(problem("::/0", false, false), None);
        assert_eq!(problem("2001:db8::/32", false, false), None);
        assert_eq!(problem("unix:", true, false), None);
        assert_eq!(problem("unix:", false, true), None, "Kong's trusted_ips");
        assert!(problem("unix:", false, false).is_some());
        assert_eq!(problem("lb.example.com", true, false), None);
        assert!(problem("lb.example.com", false, false).is_some());
        assert!(problem("lb.example.com", false, true).is_some());
        assert!(problem("XXX.XXX.XXX/XX", true, false).is_some());
        assert!(problem("10.0.0.0/33", false, false).unwrap().contains("/33"));
        assert!(problem("fe80::/129", true, false).is_some());
        assert!(problem("1.2.3.4.5", true, false).is_some());
        assert_eq!(problem("010.0.0.0/8", true, false), None, "nginx reads leading zeros as decimal");
        assert!(problem("010.0.0.0/8", false, false).is_some());
        assert!(problem("010.0.0.256", true, false).is_some());
        assert!(problem("10.0.0.0/8 192.168.0.0/16", true, false).unwrap().contains("commas only"));
    }
}
