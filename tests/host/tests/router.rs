//! Routing and `spin-*` headers, checked against what Spin does (SPIN.md, spin-http's routes.rs).

use std::net::SocketAddr;

use tremplin_host::Router;

fn router(routes: &[(&str, &str)]) -> Router {
    Router::build(routes.iter().copied()).expect("valid routes")
}

fn component(router: &Router, path: &str) -> Option<String> {
    router.route(path).map(|m| m.component_id)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let mut found = headers.iter().filter(|(n, _)| n == name);
    let (_, value) = found
        .next()
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"));
    assert!(found.next().is_none(), "{name} set twice");
    value
}

#[test]
fn exact_beats_named_beats_wildcard_whatever_the_order() {
    let routes = [
        ("wild", "/api/..."),
        ("named", "/api/v1/:thing"),
        ("exact", "/api/v1/me"),
    ];
    let mut reversed = routes;
    reversed.reverse();
    for r in [router(&routes), router(&reversed)] {
        assert_eq!(component(&r, "/api/v1/me").as_deref(), Some("exact"));
        assert_eq!(component(&r, "/api/v1/other").as_deref(), Some("named"));
        assert_eq!(
            component(&r, "/api/v1/other/deeper").as_deref(),
            Some("wild")
        );
        assert_eq!(component(&r, "/api/v2").as_deref(), Some("wild"));
    }
}

#[test]
fn longest_wildcard_prefix_wins() {
    let r = router(&[
        ("one", "/one/..."),
        ("two", "/one/two/..."),
        ("three", "/one/two/three/..."),
    ]);
    assert_eq!(
        component(&r, "/one/two/three/four").as_deref(),
        Some("three")
    );
    assert_eq!(component(&r, "/one/two/x").as_deref(), Some("two"));
    assert_eq!(component(&r, "/one/x").as_deref(), Some("one"));
}

#[test]
fn trailing_wildcard_matches_its_own_prefix_and_nothing_beside_it() {
    let r = router(&[("api", "/api/...")]);
    let m = r.route("/api").expect("/api/... matches /api");
    assert_eq!(m.path_info, "");
    assert_eq!(r.route("/api/").unwrap().path_info, "/");
    assert_eq!(r.route("/api/a/b/").unwrap().path_info, "/a/b/");
    assert_eq!(component(&r, "/apix"), None);
    assert_eq!(component(&r, "/"), None);
}

#[test]
fn no_route_means_no_match() {
    let r = router(&[("me", "/api/v1/me")]);
    assert_eq!(
        component(&r, "/api/v1/me/"),
        Some("me".into()),
        "routefinder ignores a trailing slash"
    );
    assert_eq!(component(&r, "/api/v1"), None);
    assert_eq!(component(&r, "/api/v1/me/x"), None);
}

#[test]
fn catch_all_and_root_routes() {
    let r = router(&[("all", "/..."), ("root", "/")]);
    assert_eq!(component(&r, "/").as_deref(), Some("root"));
    assert_eq!(component(&r, "/anything/else").as_deref(), Some("all"));
    let m = r.route("/anything/else").unwrap();
    let headers = m.spin_headers("http://h/anything/else", "127.0.0.1:1".parse().unwrap());
    assert_eq!(header(&headers, "spin-matched-route"), "/...");
    assert_eq!(header(&headers, "spin-component-route"), "");
    assert_eq!(header(&headers, "spin-path-info"), "/anything/else");
}

#[test]
fn a_duplicate_route_goes_to_the_last_component() {
    let r = router(&[("first", "/dup"), ("second", "/dup")]);
    assert_eq!(component(&r, "/dup").as_deref(), Some("second"));
}

#[test]
fn headers_for_a_wildcard_route_match_spin() {
    // The request measured on real Spin (SPIN.md).
    let r = router(&[("api", "/api/..."), ("me", "/api/v1/me")]);
    let m = r.route("/api/v1/things/42").unwrap();
    assert_eq!(m.component_id, "api");
    let client: SocketAddr = "127.0.0.1:51234".parse().unwrap();
    let headers = m.spin_headers("http://127.0.0.1:3991/api/v1/things/42?x=1", client);
    assert_eq!(
        header(&headers, "spin-full-url"),
        "http://127.0.0.1:3991/api/v1/things/42?x=1"
    );
    assert_eq!(header(&headers, "spin-path-info"), "/v1/things/42");
    assert_eq!(header(&headers, "spin-matched-route"), "/api/...");
    assert_eq!(header(&headers, "spin-raw-component-route"), "/api/...");
    assert_eq!(header(&headers, "spin-component-route"), "/api");
    assert_eq!(header(&headers, "spin-base-path"), "/");
    assert_eq!(header(&headers, "spin-client-addr"), "127.0.0.1:51234");
    assert_eq!(
        headers.len(),
        7,
        "no path-match headers without named segments: {headers:?}"
    );
}

#[test]
fn headers_for_named_segments() {
    let r = router(&[
        ("accept", "/api/v1/applications/:id/accept"),
        ("files", "/files/:owner_id/..."),
    ]);
    let m = r.route("/api/v1/applications/42/accept").unwrap();
    let headers = m.spin_headers(
        "http://h/api/v1/applications/42/accept",
        "[::1]:9".parse().unwrap(),
    );
    assert_eq!(header(&headers, "spin-path-match-id"), "42");
    assert_eq!(header(&headers, "spin-path-info"), "");
    assert_eq!(
        header(&headers, "spin-matched-route"),
        "/api/v1/applications/:id/accept"
    );
    assert_eq!(
        header(&headers, "spin-component-route"),
        "/api/v1/applications/:id/accept"
    );
    assert_eq!(header(&headers, "spin-client-addr"), "[::1]:9");

    // SPIN_PATH_MATCH_OWNER_ID becomes spin-path-match-owner-id, like every Spin header.
    let m = r.route("/files/u7/a/b.txt").unwrap();
    let headers = m.spin_headers("http://h/files/u7/a/b.txt", "127.0.0.1:1".parse().unwrap());
    assert_eq!(header(&headers, "spin-path-match-owner-id"), "u7");
    assert_eq!(header(&headers, "spin-path-info"), "/a/b.txt");
    assert_eq!(header(&headers, "spin-component-route"), "/files/:owner_id");
}
