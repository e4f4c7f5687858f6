//! CDNs a Service can show it sits behind: a LoadBalancer whose `loadBalancerSourceRanges` are
//! only a CDN's published ranges is reached only through that CDN, an HTTP proxy that appends
//! the client's address to X-Forwarded-For. A leaf module: the ranges and what the CDN does.

/// One CDN.
#[derive(Debug)]
pub struct Cdn {
    pub name: &'static str,
    /// Its published egress ranges, as they are written in `loadBalancerSourceRanges`.
    pub ranges: &'static [&'static str],
    /// Ranges it published once and no longer does (still its own, or close to it).
    pub former: &'static [&'static str],
    /// The header it sets to the client address alone, besides appending to X-Forwarded-For.
    pub client_header: &'static str,
    /// Where its list is published.
    pub source: &'static str,
}

/// Cloudflare: it appends the client to X-Forwarded-For and sets `CF-Connecting-IP`. Ranges as
/// published at https://www.cloudflare.com/ips-v4 and /ips-v6 (`104.16.0.0/12` was split into
/// `104.16.0.0/13` and `104.24.0.0/14` in 2021).
pub static CLOUDFLARE: Cdn = Cdn {
    name: "Cloudflare",
    ranges: &[
        "173.245.48.0/20",
        "103.21.244.0/22",
        "103.22.200.0/22",
        "103.31.4.0/22",
        "141.101.64.0/18",
        "108.162.192.0/18",
        "190.93.240.0/20",
        "188.114.96.0/20",
        "197.234.240.0/22",
        "198.41.128.0/17",
        "162.158.0.0/15",
        "104.16.0.0/13",
        "104.24.0.0/14",
        "172.64.0.0/13",
        "131.0.72.0/22",
        "2400:cb00::/32",
        "2606:4700::/32",
        "2803:f800::/32",
        "2405:b500::/32",
        "2405:8100::/32",
        "2a06:98c0::/29",
        "2c0f:f248::/32",
    ],
    former: &["104.16.0.0/12"],
    client_header: "CF-Connecting-IP",
    source: "https://www.cloudflare.com/ips/",
};

pub static CDNS: &[&Cdn] = &[&CLOUDFLARE];

/// The CDN whose ranges these are, when every one of them is its own.
pub fn fronting<'a>(ranges: impl IntoIterator<Item = &'a str>) -> Option<&'static Cdn> {
    let ranges: Vec<&str> = ranges.into_iter().map(str::trim).filter(|r| !r.is_empty()).collect();
    if ranges.is_empty() {
        return None;
    }
    CDNS.iter().copied().find(|c| ranges.iter().all(|r| c.ranges.contains(r) || c.former.contains(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cdns_own_ranges_make_it_the_front() {
        assert!(fronting(["173.245.48.0/20", "2400:cb00::/32"]).is_some_and(|c| c.name == "Cloudflare"));
        assert!(fronting(["173.245.48.0/20", "10.0.0.0/8"]).is_none());
        assert!(fronting([]).is_none());
    }
}
