//! The pages in a real browser: headless Chromium on a phone-sized window, driven through
//! ChromeDriver's W3C WebDriver API, against the real components served over HTTP by the bundled
//! host. Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`make browser` installs them);
//! without them the tests fail, they never skip. Three scenarios: the directory search
//! (`a_social_worker_finds_structures_near_a_city_on_a_phone`), the prescriber's whole path,
//! from login to the application in the structure's received box
//! (`a_prescriber_registers_a_candidate_and_applies_on_a_phone`, in `browser/apply.rs`), and the
//! structure's decisions, from the received box's buttons to the printed PASS IAE
//! (`a_structure_decides_and_prints_the_pass_on_a_phone`, in `browser/decide.rs`); axe-core
//! checks every page the last two open (`browser/axe.rs`).
//!
//! Screenshots land in `target/browser/`: `recherche-suggestions.png` (the city suggestions),
//! `recherche.png` (the results), `structure.png`, those of the application path
//! (`candidat-conflit.png`, `candidature-formulaire.png`, `boite-recues.png`,
//! `diagnostic-orienteur.png`), those of the decisions (`decision-boite.png`,
//! `decision-accepter.png`, `decision-acceptee.png`, `decision-pass.png`,
//! `decision-refus-erreur.png`, `decision-refusee.png`) with the PASS printed to `pass.pdf`, and
//! `failure-<scenario>.png` when a step fails.

#[path = "browser/apply.rs"]
mod apply;
#[path = "browser/axe.rs"]
mod axe;
#[path = "browser/decide.rs"]
mod decide;
#[path = "browser/prolong.rs"]
mod prolong;
#[path = "browser/webdriver.rs"]
mod webdriver;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tremplin_tests::{luhn_siret, repo_root, TestApp, PASSWORD};
use webdriver::{keys, ChromeDriver, Element, Session};

const WAIT: Duration = Duration::from_secs(15);

/// Marseille's centre (the city the searches start from) and a city whose name also starts
/// with "mars", so picking the right suggestion takes the arrow keys.
fn cities() -> Value {
    let city = |line: u64,
                insee: &str,
                name: &str,
                dep: (&str, &str, &str, &str),
                posts: &str,
                lat: f64,
                lon: f64| {
        json!({"line": line, "insee_code": insee, "name": name, "kind": "commune",
               "slug": format!("{}-{}", name.to_lowercase(), dep.0), "department_code": dep.0,
               "department_name": dep.1, "region_code": dep.2, "region_name": dep.3, "zone": "metro",
               "post_codes": posts, "latitude": lat, "longitude": lon, "population": 10000})
    };
    let bdr = ("13", "Bouches-du-Rhône", "93", "Provence-Alpes-Côte d'Azur");
    let herault = ("34", "Hérault", "76", "Occitanie");
    json!({"rows": [
        city(1, "34150", "Marseillan", herault, "34340", 43.3567, 3.5281),
        city(2, "13055", "Marseille", bdr, "13001|13002|13003|13004|13005|13006|13007|13008", 43.2965, 5.3698),
        city(3, "13005", "Aubagne", bdr, "13400", 43.2927, 5.5708),
        city(4, "13001", "Aix-en-Provence", bdr, "13090|13100|13290|13540", 43.5283, 5.4497),
    ]})
}

struct Structure {
    kind: &'static str,
    name: String,
    city: (&'static str, &'static str, &'static str),
    latitude: f64,
    longitude: f64,
}

const MARSEILLE: (&str, &str, &str) = ("13055", "Marseille", "13001");

/// The ACI within 10 km of Marseille's centre, nearest first: every structure takes spontaneous
/// applications (hiring, R-DIR-2) and none has had applications, so distance decides (R-DIR-1).
const EXPECTED_ACI: [&str; 3] = [
    "Chantier du Vieux-Port",     // 0.45 km
    "Atelier de la Belle de Mai", // 2.46 km
    "Recyclerie de l'Estaque",    // 8.56 km
];
const JOB_TITLE: &str = "Agent / Agente de nettoyage en collectivité";
/// EI around Marseille: 1 named + 21 numbered, to page through (20 a page).
const EI_COUNT: usize = 22;

fn structures() -> Vec<Structure> {
    let s = |kind, name: &str, city, latitude, longitude| Structure {
        kind,
        name: name.to_owned(),
        city,
        latitude,
        longitude,
    };
    let mut all = vec![
        s("ACI", EXPECTED_ACI[2], MARSEILLE, 43.3600, 5.3100),
        s("ACI", EXPECTED_ACI[0], MARSEILLE, 43.2950, 5.3750),
        s("ACI", EXPECTED_ACI[1], MARSEILLE, 43.3130, 5.3900),
        // Too far for 10 km, or not an ACI.
        s(
            "ACI",
            "Jardins d'Aubagne",
            ("13005", "Aubagne", "13400"),
            43.2927,
            5.5708,
        ), // 16.3 km
        s(
            "ACI",
            "Chantier du pays d'Aix",
            ("13001", "Aix-en-Provence", "13100"),
            43.5283,
            5.4497,
        ), // 26.6 km
        s("EI", "Entreprise Saint-Charles", MARSEILLE, 43.3030, 5.3800), // 1.1 km
    ];
    for n in 1..EI_COUNT {
        let step = n as f64 * 0.002;
        all.push(s(
            "EI",
            &format!("Entreprise d'insertion n° {n:02}"),
            MARSEILLE,
            43.3100 + step,
            5.4000 + step,
        ));
    }
    all
}

/// Cities, structures, and one job description, through the administration's import endpoints;
/// the SIRET of each structure, by name.
async fn load_directory(app: &TestApp) -> Vec<(String, String)> {
    let admin = app.admin().await;
    let import = |path: &'static str, body: Value| {
        let admin = admin.clone();
        async move {
            let answer = app
                .post(&format!("/api/v1/admin/import/{path}"))
                .bearer(&admin)
                .json(body)
                .send()
                .await
                .ok(200);
            assert_eq!(answer["rejected"], json!([]), "{path}: {answer}");
        }
    };
    import("cities", cities()).await;
    let mut sirets = Vec::new();
    let rows: Vec<Value> = structures()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let siret = luhn_siret(500 + i as u64);
            sirets.push((s.name.clone(), siret.clone()));
            json!({"line": i + 1, "kind": s.kind, "siret": siret, "name": s.name, "brand": "",
                   "address_line_1": format!("{} rue de la République", i + 1), "address_line_2": "",
                   "post_code": s.city.2, "city": s.city.1, "department": "13", "insee_code": s.city.0,
                   "latitude": s.latitude, "longitude": s.longitude,
                   "website": if s.name == EXPECTED_ACI[0] { "www.vieux-port.example" } else { "" },
                   "description": format!("{} accompagne des personnes éloignées de l'emploi.", s.name),
                   "source": "national_list"})
        })
        .collect();
    import("structures", json!({"rows": rows})).await;
    // One job description for the nearest ACI.
    import(
        "rome_codes",
        json!({"rows": [{"line": 1, "code": "K2204", "name": "Nettoyage de locaux"}]}),
    )
    .await;
    import(
        "rome_appellations",
        json!({"rows": [{"line": 1, "code": "10686", "name": JOB_TITLE, "rome_code": "K2204"}]}),
    )
    .await;
    let (_, siret) = sirets
        .iter()
        .find(|(name, _)| name == EXPECTED_ACI[0])
        .expect("fixture");
    import(
        "jobs",
        json!({"rows": [{"line": 1, "structure_siret": siret, "structure_kind": "ACI",
                         "appellation_code": "10686", "contract_type": "FIXED_TERM_I",
                         "open_positions": 2, "is_active": true, "source": "demo"}]}),
    )
    .await;
    sirets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_finds_structures_near_a_city_on_a_phone() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    load_directory(&app).await;
    serve_and_browse(&app, "recherche", scenario).await;
    eprintln!("browser scenario passed in {:.1?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prescriber_registers_a_candidate_and_applies_on_a_phone() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let sirets = load_directory(&app).await;
    let fixture = apply::seed(&app, &sirets).await;
    let setup = started.elapsed();
    serve_and_browse(&app, "candidature", move |session, base| {
        apply::scenario(session, base, &fixture)
    })
    .await;
    eprintln!(
        "application scenario passed in {:.1?} (setup: {setup:.1?})",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_structure_decides_and_prints_the_pass_on_a_phone() {
    let started = Instant::now();
    let app = TestApp::spawn_with(&[("today", decide::TODAY)]).await;
    let fixture = decide::seed(&app).await;
    let setup = started.elapsed();
    serve_and_browse(&app, "decision", move |session, base| {
        decide::scenario(session, base, &fixture)
    })
    .await;
    eprintln!(
        "decision scenario passed in {:.1?} (setup: {setup:.1?})",
        started.elapsed()
    );
}

/// Serves `app` over HTTP on a free local port and runs `scenario` in a browser against it;
/// a failed step fails the test with what the page showed.
async fn serve_and_browse<F>(app: &TestApp, name: &'static str, scenario: F)
where
    F: FnOnce(&Session, &str) -> Result<()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.app.clone().serve_listener(listener, async {
        let _ = stopped.await;
    }));

    // WebDriver calls block: they run on their own thread while the server keeps serving.
    let outcome = tokio::task::spawn_blocking(move || browse(&base, name, scenario)).await;

    let _ = stop.send(());
    server.await.expect("server task").expect("server");
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e:#}"),
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

fn screenshots() -> PathBuf {
    let dir = repo_root().join("target/browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    dir
}

/// Starts ChromeDriver and a browser, runs the scenario, and on failure keeps a screenshot and
/// the page's text; the browser and the driver are stopped in every case.
fn browse(
    base: &str,
    name: &str,
    scenario: impl FnOnce(&Session, &str) -> Result<()>,
) -> Result<()> {
    let temp = tempfile::tempdir()?;
    let driver = ChromeDriver::start(temp.path())?;
    let profile = temp.path().join("profile");
    let session = Session::new(&driver, &profile).context("new WebDriver session")?;
    let result = scenario(&session, base);
    if result.is_err() {
        if let Ok(png) = session.screenshot() {
            let _ = std::fs::write(screenshots().join(format!("failure-{name}.png")), png);
        }
        let page = session
            .execute(
                "return location.href + '\\n' + document.body.innerText;",
                vec![],
            )
            .unwrap_or_default();
        let log = std::fs::read_to_string(&driver.log).unwrap_or_default();
        let tail: String = log
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        let error = result.expect_err("failed");
        anyhow::bail!(
            "{error:#}\n--- the page when it failed (screenshot: target/browser/failure-{name}.png):\n{}\n\
             --- chromedriver log, last lines:\n{tail}",
            page.as_str().unwrap_or_default()
        );
    }
    drop(session);
    drop(driver);
    result
}

fn texts(session: &Session, css: &str) -> Result<Vec<String>> {
    session
        .find_all(css)?
        .iter()
        .map(|e| session.text(e))
        .collect()
}

fn text_of(session: &Session, css: &str) -> Result<String> {
    session.text(&session.find(css)?)
}

/// Waits until the element matching `css` shows `want` (trimmed), and returns it.
fn wait_text(session: &Session, css: &str, want: &str) -> Result<Element> {
    session.wait(&format!("{css} to read {want:?}"), WAIT, |s| {
        let element = s.find(css)?;
        Ok((s.text(&element)?.trim() == want).then_some(element))
    })
}

fn wait_text_containing(session: &Session, css: &str, part: &str) -> Result<String> {
    session.wait(&format!("{css} to contain {part:?}"), WAIT, |s| {
        let text = text_of(s, css)?;
        Ok(text.contains(part).then_some(text))
    })
}

// ---- Small steps shared by the scenarios ----------------------------------------------------

fn click(session: &Session, css: &str) -> Result<()> {
    session.click(&session.find(css)?)
}

fn type_in(session: &Session, css: &str, text: &str) -> Result<()> {
    session.send_keys(&session.find(css)?, text)
}

/// Sets a field's value at once, as a date picker, a paste or clearing the field does.
fn set_value(session: &Session, css: &str, value: &str) -> Result<()> {
    let element = session.find(css)?;
    session.execute(
        "arguments[0].value = arguments[1];
         arguments[0].dispatchEvent(new Event('input', { bubbles: true }));
         arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
        vec![Session::arg(&element), json!(value)],
    )?;
    Ok(())
}

fn shown(session: &Session, css: &str) -> Result<bool> {
    session.displayed(&session.find(css)?)
}

/// Waits until the page at `path` has loaded its data (its `main` is no longer busy).
fn wait_page(session: &Session, path: &str) -> Result<()> {
    session.wait(&format!("{path} to be ready"), WAIT, |s| {
        let ready = s.execute(
            "return location.pathname === arguments[0] && document.readyState === 'complete'
                && !document.querySelector('main[aria-busy]');",
            vec![json!(path)],
        )?;
        Ok((ready == true).then_some(()))
    })
}

fn wait_shown(session: &Session, css: &str) -> Result<Element> {
    session.wait(&format!("{css} to be shown"), WAIT, |s| {
        let element = s.find(css)?;
        Ok(s.displayed(&element)?.then_some(element))
    })
}

/// The page fits a phone's width, and axe-core finds nothing on it.
fn check_page(session: &Session, page: &str) -> Result<()> {
    ensure!(
        phone_layout(session)?.1 == false,
        "{page} scrolls sideways on a phone"
    );
    axe::check(session, page)
}

fn screenshot(session: &Session, name: &str) -> Result<()> {
    std::fs::write(screenshots().join(name), session.screenshot()?)?;
    Ok(())
}

/// The login page a protected page sent us to: log in, and land back on `path`.
fn log_in(session: &Session, email: &str, path: &str) -> Result<()> {
    session.wait("the login page", WAIT, |s| {
        Ok(s.current_url()?.contains("/?retour=").then_some(()))
    })?;
    wait_shown(session, "#email")?;
    type_in(session, "#email", email)?;
    type_in(session, "#password", PASSWORD)?;
    click(session, "#form-connexion button[type=submit]")?;
    wait_page(session, path)
}

fn sign_out(session: &Session) -> Result<()> {
    session.execute("sessionStorage.clear();", vec![])?;
    Ok(())
}

/// The viewport's width, and whether the page is wider than it (it must not be on a phone).
fn phone_layout(session: &Session) -> Result<(Value, Value)> {
    let answer = session.execute(
        "return [window.innerWidth, document.documentElement.scrollWidth > window.innerWidth];",
        vec![],
    )?;
    Ok((answer[0].clone(), answer[1].clone()))
}

fn open_search(session: &Session, url: &str) -> Result<()> {
    session.goto(url)?;
    // The module has run once the distances are in the select.
    session.wait("the search form to be ready", WAIT, |s| {
        Ok((s.find_all("#distance option")?.len() == 7).then_some(()))
    })
}

fn scenario(session: &Session, base: &str) -> Result<()> {
    let search = format!("{base}/recherche.html");

    // The home page's navigation leads to the search.
    session.goto(&format!("{base}/"))?;
    session.click(&session.find("nav a[href='/recherche.html']")?)?;
    open_search(session, &search)?;
    ensure!(
        session.title()?.starts_with("Trouver une structure"),
        "title: {}",
        session.title()?
    );
    let unlabelled = session.execute(
        "return [...document.querySelectorAll('input, select')]
            .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
            .map(e => e.id || e.name);",
        vec![],
    )?;
    ensure!(
        unlabelled == json!([]),
        "inputs without a label: {unlabelled}"
    );
    let (width, overflow) = phone_layout(session)?;
    ensure!(
        width == json!(webdriver::PHONE_WIDTH),
        "viewport width: {width}"
    );
    ensure!(
        overflow == false,
        "the search form scrolls sideways at {width} px"
    );

    // Type "mars": both cities are suggested, and the count is announced.
    let city = session.find("#city")?;
    session.send_keys(&city, "mars")?;
    session.wait("two city suggestions", WAIT, |s| {
        Ok((s.find_all("#city-options [role=option]")?.len() == 2
            && s.attribute(&city, "aria-expanded")?.as_deref() == Some("true"))
        .then_some(()))
    })?;
    let names = texts(session, "#city-options .option-name")?;
    ensure!(
        names.iter().any(|n| n == "Marseille (13)") && names.iter().any(|n| n == "Marseillan (34)"),
        "suggestions: {names:?}"
    );
    wait_text(
        session,
        "#city-annonce",
        "2 communes proposées. Flèches haut et bas pour parcourir, Entrée pour choisir.",
    )?;
    std::fs::write(
        screenshots().join("recherche-suggestions.png"),
        session.screenshot()?,
    )?;

    // Arrow down to "Marseille (13)" and press Enter: chosen, list closed, form not sent.
    let mut active = String::new();
    for _ in 0..names.len() {
        session.send_keys(&city, keys::ARROW_DOWN)?;
        active = session
            .execute(
                "const id = arguments[0].getAttribute('aria-activedescendant');
                 const option = id && document.getElementById(id);
                 return option && option.getAttribute('aria-selected') === 'true'
                   ? option.querySelector('.option-name').textContent : null;",
                vec![Session::arg(&city)],
            )?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if active == "Marseille (13)" {
            break;
        }
    }
    ensure!(
        active == "Marseille (13)",
        "arrows never reached Marseille (last: {active:?})"
    );
    session.send_keys(&city, keys::ENTER)?;
    ensure!(
        session.property(&city, "value")? == "Marseille (13)",
        "city field after Enter"
    );
    ensure!(
        session.attribute(&city, "aria-expanded")?.as_deref() == Some("false"),
        "list still open"
    );
    ensure!(
        !session.displayed(&session.find("#city-options")?)?,
        "list still shown"
    );
    ensure!(
        !session.displayed(&session.find("#resultats")?)?,
        "Enter on a suggestion sent the form"
    );

    // 10 km, ACI only, search.
    session.click(&session.find("#distance option[value='10']")?)?;
    let aci = session.find("input[name=kinds][value=ACI]")?;
    session.click(&aci)?;
    ensure!(session.property(&aci, "checked")? == true, "ACI not ticked");
    session.click(&session.find("#form-recherche button[type=submit]")?)?;

    wait_text(session, "#titre-resultats", "3 structures")?;
    let found = texts(session, "#liste > li h3")?;
    ensure!(found == EXPECTED_ACI, "results, in order: {found:?}");
    ensure!(
        text_of(session, "#resume")? == "À moins de 10 km de Marseille (13).",
        "summary: {}",
        text_of(session, "#resume")?
    );
    let cards = texts(session, "#liste > li")?;
    ensure!(
        cards[0].contains("Atelier chantier d'insertion"),
        "kind label: {}",
        cards[0]
    );
    ensure!(cards[0].contains("Recrute"), "hiring badge: {}", cards[0]);
    ensure!(
        cards[0].contains(JOB_TITLE),
        "open job on the card: {}",
        cards[0]
    );
    ensure!(
        cards[1].contains("Marseille (13) · à 2,5 km"),
        "distance: {}",
        cards[1]
    );
    ensure!(cards[2].contains("à 8,6 km"), "distance: {}", cards[2]);
    ensure!(
        !session.displayed(&session.find("#pages")?)?,
        "a pager for one page"
    );
    let url = session.current_url()?;
    ensure!(
        url.ends_with("/recherche.html?city=13055&distance=10&kinds=ACI"),
        "the search is not in the URL: {url}"
    );
    ensure!(
        phone_layout(session)?.1 == false,
        "the results scroll sideways"
    );
    std::fs::write(screenshots().join("recherche.png"), session.screenshot()?)?;

    // The first card leads to the structure, with its job description.
    session.click(&session.find("#liste > li:first-child h3 a")?)?;
    wait_text(session, "#nom", EXPECTED_ACI[0])?;
    ensure!(
        session.title()? == format!("{} — Tremplin", EXPECTED_ACI[0]),
        "title: {}",
        session.title()?
    );
    let jobs = texts(session, "#postes > li")?;
    ensure!(jobs.len() == 1, "jobs: {jobs:?}");
    for part in [JOB_TITLE, "Code ROME K2204", "2 postes ouverts"] {
        ensure!(
            jobs[0].contains(part),
            "job card lacks {part:?}: {}",
            jobs[0]
        );
    }
    let sheet = text_of(session, "#fiche")?;
    for part in [
        "Atelier chantier d'insertion",
        "2 rue de la République",
        "13001 Marseille",
        "Candidatures spontanées ouvertes",
        "accompagne des personnes éloignées de l'emploi",
    ] {
        ensure!(
            sheet.contains(part),
            "structure page lacks {part:?}:\n{sheet}"
        );
    }
    let website = session.find("#coordonnees a")?;
    ensure!(
        session.attribute(&website, "href")?.as_deref() == Some("https://www.vieux-port.example"),
        "website link: {:?}",
        session.attribute(&website, "href")?
    );
    ensure!(
        phone_layout(session)?.1 == false,
        "the structure page scrolls sideways"
    );
    std::fs::write(screenshots().join("structure.png"), session.screenshot()?)?;

    // "Retour aux résultats", then the browser's back button: the same search, restored.
    session.click(&session.find("#retour")?)?;
    wait_text(session, "#titre-resultats", "3 structures")?;
    session.click(&session.find("#liste > li:first-child h3 a")?)?;
    wait_text(session, "#nom", EXPECTED_ACI[0])?;
    session.back()?;
    wait_text(session, "#titre-resultats", "3 structures")?;
    ensure!(
        session.property(&session.find("#city")?, "value")? == "Marseille (13)",
        "city not restored"
    );
    ensure!(
        session.property(&session.find("#distance")?, "value")? == "10",
        "distance not restored"
    );
    ensure!(
        session.property(&session.find("input[name=kinds][value=ACI]")?, "checked")? == true,
        "kind not restored"
    );

    // Paging through the 22 EI: 20, then 2, with the page in the URL.
    open_search(
        session,
        &format!("{search}?city=13055&distance=10&kinds=EI"),
    )?;
    wait_text(
        session,
        "#titre-resultats",
        &format!("{EI_COUNT} structures"),
    )?;
    ensure!(
        session.find_all("#liste > li")?.len() == 20,
        "first page size"
    );
    ensure!(
        text_of(session, "#page-courante")? == "Page 1 sur 2",
        "pager"
    );
    session.click(&session.find("#suivant")?)?;
    session.wait("the second page", WAIT, |s| {
        Ok((s.find_all("#liste > li")?.len() == 2).then_some(()))
    })?;
    ensure!(
        text_of(session, "#page-courante")? == "Page 2 sur 2",
        "pager on page 2"
    );
    ensure!(
        session.current_url()?.ends_with("&page=2"),
        "page not in the URL: {}",
        session.current_url()?
    );
    session.click(&session.find("#precedent")?)?;
    session.wait("the first page again", WAIT, |s| {
        Ok((s.find_all("#liste > li")?.len() == 20).then_some(()))
    })?;

    // Nothing found: advice to look farther, with a link that does it.
    open_search(
        session,
        &format!("{search}?city=13055&distance=2&kinds=GEIQ"),
    )?;
    wait_text(session, "#titre-resultats", "Aucune structure")?;
    wait_text_containing(
        session,
        "#vide",
        "Essayez une distance plus grande : chercher à moins de 5 km.",
    )?;
    session.click(&session.find("#vide a")?)?;
    session.wait("the 5 km search", WAIT, |s| {
        Ok((s.property(&s.find("#distance")?, "value")? == "5"
            && s.current_url()?.contains("distance=5"))
        .then_some(()))
    })?;

    // A city typed but never picked, that does not exist: a French message by the field.
    open_search(session, &search)?;
    let city = session.find("#city")?;
    session.send_keys(&city, "Zzyzx")?;
    session.send_keys(&city, keys::ENTER)?;
    wait_text(
        session,
        "#city-erreur",
        "Aucune commune ne correspond à « Zzyzx ». Vérifiez l'orthographe ou saisissez le code postal.",
    )?;
    ensure!(
        session.attribute(&city, "aria-invalid")?.as_deref() == Some("true"),
        "city not marked invalid"
    );
    ensure!(
        !session.displayed(&session.find("#resultats")?)?,
        "results shown for an unknown city"
    );
    // A full name typed without picking is taken as is.
    session.send_keys(&city, &format!("{}{}", keys::ESCAPE, keys::ESCAPE))?;
    session.send_keys(&city, "marseille")?;
    session.click(&session.find("#form-recherche button[type=submit]")?)?;
    wait_text_containing(session, "#resume", "de Marseille (13)")?;

    // The server's problem details, in French, next to the field they concern.
    open_search(session, &format!("{search}?city=99999&distance=10"))?;
    session.wait("the unknown city message", WAIT, |s| {
        Ok((!text_of(s, "#city-erreur")?.trim().is_empty()).then_some(()))
    })?;
    ensure!(
        text_of(session, "#form-erreur")?.is_empty(),
        "the message is not by the city field"
    );
    ensure!(
        !session.displayed(&session.find("#resultats")?)?,
        "results shown for an unknown city"
    );
    open_search(session, &format!("{search}?city=13055&rome=ZZ"))?;
    wait_text_containing(session, "#rome-erreur", "ROME")?;
    ensure!(
        session
            .attribute(&session.find("#plus-de-filtres")?, "open")?
            .is_some(),
        "the ROME error is hidden in a closed section"
    );
    open_search(
        session,
        &format!("{search}?city=13055&distance=10&kinds=ACI&page=3"),
    )?;
    wait_text_containing(session, "#form-erreur", "Cette page n'existe pas")?;
    Ok(())
}
