//! The client's address, for sign-in waits and the public report limit (decision 82).
//!
//! It is the connection's peer, unless the peer is one of the configured trusted proxies
//! (`--trusted-proxy`): then it is the right-most address of `X-Forwarded-For` that is not a
//! trusted proxy. Entries left of it were written by the client and may be anything; the
//! header of an untrusted peer is ignored altogether.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
pub use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The address a request comes from, as [`client_ip`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(a)| a.ip());
        Ok(ClientAddr(client_ip(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:80`).
fn parse_hop(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip())).map(canonical)
}

/// The client's address: `peer`, or behind trusted proxies the right-most untrusted hop of
/// `X-Forwarded-For`. A hop that cannot be read stops the walk at the proxy that wrote it.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut addr = canonical(peer);
    if !is_trusted(&addr) {
        return addr;
    }
    let hops: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for hop in hops.into_iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                addr = ip;
                if !is_trusted(&ip) {
                    return ip;
                }
            }
            None => return addr,
        }
    }
    addr
}

/// What a per-address limit counts under: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber's network, which can hold any number of addresses).
pub fn limited(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => IpNet::new(IpAddr::V6(v6), 64).map_or(IpAddr::V6(v6), |n| n.network()),
        v4 => v4,
    }
}

/// The key sign-in failures of an address are counted under ([`limited`]).
pub fn address_key(ip: IpAddr) -> String {
    match limited(ip) {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        v6 => format!("addr:{v6}/64"),
    }
}

/// A trusted proxy as given on the command line: an address or a network.
pub fn parse_trusted_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an address or network: {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let trusted = [parse_trusted_proxy("10.0.0.1").expect("net")];
        assert_eq!(client_ip(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &[]), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = [parse_trusted_proxy("10.0.0.0/8").expect("net")];
        let peer = ip("10.0.0.1");
        assert_eq!(client_ip(peer, &headers(&["198.51.100.7"]), &trusted), ip("198.51.100.7"));
        // A client that writes its own header cannot choose its address.
        assert_eq!(client_ip(peer, &headers(&["1.1.1.1, 198.51.100.7"]), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(peer, &headers(&["1.1.1.1", "198.51.100.7, 10.0.0.2"]), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(peer, &headers(&["198.51.100.7:5555"]), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(peer, &headers(&[]), &trusted), peer, "no header: the proxy itself");
        assert_eq!(client_ip(peer, &headers(&["junk, 10.0.0.3"]), &trusted), ip("10.0.0.3"), "stops at junk");
    }

    #[test]
    fn ipv6_addresses_share_a_key_per_64() {
        assert_eq!(address_key(ip("2001:db8:1:2:aaaa::1")), address_key(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(address_key(ip("2001:db8:1:2::1")), address_key(ip("2001:db8:1:3::1")));
        assert_eq!(address_key(ip("::ffff:192.0.2.1")), "addr:192.0.2.1");
        assert!(parse_trusted_proxy("nonsense").is_err());
    }
}
