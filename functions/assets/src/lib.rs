//! `assets`: the mobile forms of `static/`, embedded at build time and served at `/`.
//! `GET /` serves `index.html`; a directory path serves its `index.html`. Unknown paths get 404.

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

include!(concat!(env!("OUT_DIR"), "/static_files.rs"));

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "webmanifest" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn lookup(path: &str) -> Option<(&'static str, &'static [u8])> {
    let candidates = [
        path.to_owned(),
        format!("{}/index.html", path.trim_end_matches('/')),
    ];
    candidates
        .iter()
        .find_map(|candidate| FILES.iter().find(|(route, _)| route == candidate).copied())
}

/// The pages problem documents point to (`type`: `/problemes/<code>`): what the error means and
/// what to do, in French. Codes not listed get the general page, with the code named.
const PROBLEMS: &[(&str, &str, &str)] = &[
    ("malformed_json", "Le corps de la requête n'est pas un JSON valide", "Vérifiez la syntaxe du document envoyé (guillemets, virgules, accolades)."),
    ("invalid_body", "Un champ manque, est inconnu ou a un mauvais type", "Le champ nommé dans « errors » indique quoi corriger."),
    ("validation_failed", "Certaines données sont invalides", "Corrigez chaque champ cité dans « errors » puis renvoyez le formulaire."),
    ("unauthenticated", "Connexion requise", "Connectez-vous à nouveau : votre session a peut-être expiré."),
    ("invalid_credentials", "Adresse e-mail ou mot de passe incorrect", "Vérifiez vos identifiants. Après plusieurs échecs, patientez avant de réessayer."),
    ("forbidden", "Action réservée", "Votre rôle dans l'organisation ne permet pas cette action : demandez à un administrateur de l'organisation."),
    ("not_found", "Introuvable", "L'élément n'existe pas ou vous n'y avez pas accès. Vérifiez le lien."),
    ("method_not_allowed", "Méthode non acceptée", "L'en-tête « Allow » de la réponse liste les méthodes possibles à cette adresse."),
    ("payload_too_large", "Requête trop volumineuse", "Envoyez moins de données à la fois (par lots plus petits)."),
    ("rate_limited", "Trop de tentatives", "Patientez le nombre de secondes indiqué par l'en-tête « Retry-After » avant de réessayer."),
    ("database_busy", "Service momentanément occupé", "Réessayez après le délai indiqué par l'en-tête « Retry-After » : rien n'a été enregistré."),
    ("idempotency_key_reused", "Clé d'idempotence déjà utilisée", "Générez une nouvelle clé pour une nouvelle demande ; réutilisez-la seulement pour renvoyer la même."),
    ("invitation_expired", "Invitation expirée", "Demandez une nouvelle invitation à la personne qui vous a invité."),
    ("invitation_used", "Invitation déjà acceptée", "Connectez-vous : vous êtes déjà membre de l'organisation."),
    ("internal_error", "Erreur inattendue", "Réessayez plus tard. Si l'erreur persiste, signalez-la à l'équipe Tremplin."),
];

fn problem_page(code: &str) -> Option<String> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return None;
    }
    let (title, advice) = PROBLEMS
        .iter()
        .find(|(known, _, _)| *known == code)
        .map_or(
            ("Erreur", "Le message « detail » de la réponse explique la cause, et « errors » les champs à corriger. Corrigez puis réessayez."),
            |(_, title, advice)| (*title, *advice),
        );
    Some(format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — Tremplin</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head>\
         <body><main><h1>{title}</h1><p>Code de l'erreur : <code>{code}</code></p>\
         <h2>Que faire ?</h2><p>{advice}</p><p><a href=\"/\">Retour à l'accueil</a></p></main></body></html>"
    ))
}

#[http_component]
fn handle(request: Request) -> Response {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Response::builder()
            .status(405)
            .header("allow", "GET, HEAD")
            .body("Méthode non autorisée")
            .build();
    }
    if let Some(page) = request
        .path()
        .strip_prefix("/problemes/")
        .and_then(problem_page)
    {
        return Response::builder()
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .header("x-content-type-options", "nosniff")
            .body(page)
            .build();
    }
    match lookup(request.path()) {
        Some((route, body)) => Response::builder()
            .status(200)
            .header("content-type", content_type(route))
            .header("cache-control", "no-cache")
            .header("x-content-type-options", "nosniff")
            .body(if request.method() == &Method::Head { Vec::new() } else { body.to_vec() })
            .build(),
        None => Response::builder()
            .status(404)
            .header("content-type", "text/html; charset=utf-8")
            .body("<!doctype html><html lang=\"fr\"><title>Page introuvable</title><p>Page introuvable. <a href=\"/\">Accueil</a></p></html>")
            .build(),
    }
}
