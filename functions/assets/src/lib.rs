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
    ("empty_body", "Le corps de la requête est vide", "Envoyez un objet JSON : les champs attendus sont décrits dans la documentation de l'API (/api/v1/openapi.json)."),
    ("unreadable_body", "Le corps de la requête n'a pas pu être lu", "La connexion a été interrompue pendant l'envoi : renvoyez la requête."),
    ("invalid_content_length", "En-tête Content-Length invalide", "L'en-tête « Content-Length » doit être le nombre d'octets du corps envoyé."),
    ("invalid_idempotency_key", "Clé d'idempotence invalide", "L'en-tête « Idempotency-Key » compte de 1 à 255 caractères ASCII visibles, sans espace au début ni à la fin."),
    ("invalid_query", "Paramètre de recherche invalide", "Le paramètre nommé dans « errors » indique quoi corriger dans l'adresse (par exemple une recherche trop longue)."),
    ("invalid_page", "Numéro de page invalide", "Indiquez un numéro de page entier, à partir de 1."),
    ("invalid_page_size", "Taille de page invalide", "Indiquez un nombre d'éléments par page entre 1 et 100."),
    ("organization_required", "Précisez votre organisation", "Vous appartenez à plusieurs organisations : choisissez celle pour laquelle vous agissez (en-tête « X-Organization »)."),
    ("account_exists", "Un compte existe déjà", "Connectez-vous avec ce compte ; pour accepter une invitation d'organisation, acceptez-la une fois connecté. Un code de candidat s'accepte déconnecté."),
    ("weak_password", "Mot de passe trop faible", "Choisissez un mot de passe de 12 à 128 caractères."),
    ("candidate_identity_conflict", "Ce candidat existe déjà avec une autre identité", "Un candidat est déjà enregistré avec ce NIR ou cette adresse e-mail, mais les champs cités dans « errors » diffèrent : vérifiez-les avec le candidat. Rien n'a été modifié."),
    ("candidate_exists", "Un dossier candidat existe déjà", "Demandez à la personne qui vous accompagne de vous inviter depuis votre dossier : vous recevrez un lien pour créer votre compte."),
    ("invitation_recently_sent", "Invitation déjà envoyée aujourd'hui", "Le candidat a reçu une invitation il y a moins de 24 heures, toujours valable : demandez-lui de consulter ses courriels (et ses indésirables)."),
    ("candidate_has_account", "Le candidat a déjà un compte", "Le candidat peut se connecter à son compte Tremplin ; s'il a oublié son mot de passe, il le signale à l'équipe Tremplin."),
    ("email_not_yours", "Adresse e-mail différente de celle du compte", "Indiquez l'adresse e-mail de votre compte : vous ne pouvez enregistrer que vous-même."),
    ("required", "Paramètre manquant", "Ajoutez le paramètre nommé dans « errors » à l'adresse de la requête."),
    ("invalid_box", "Boîte de candidatures inconnue", "Choisissez « sent » (candidatures envoyées) ou « received » (candidatures reçues)."),
    ("invalid_state", "État de candidature inconnu", "Choisissez parmi les états listés dans le message (new, processing, postponed, accepted, refused, cancelled, obsolete, pool)."),
    ("invalid_month", "Mois invalide", "Indiquez le mois au format AAAA-MM, par exemple 2026-03."),
    ("invalid_content_type", "Type de fichier non accepté", "Envoyez le CV en PDF, avec l'en-tête « Content-Type: application/pdf »."),
    ("cv_empty", "Le CV est vide", "Choisissez le fichier PDF du CV et envoyez-le à nouveau."),
    ("cv_too_large", "CV trop volumineux", "Le CV fait au plus 1 Mo : enregistrez-le en PDF plus léger (images compressées) puis renvoyez-le."),
    ("cv_not_pdf", "Le CV n'est pas un PDF", "Enregistrez ou exportez le CV au format PDF, puis envoyez ce fichier."),
    ("too_many_cvs", "Trop de CV en attente", "Vous avez 20 CV qui ne sont joints à aucune candidature : envoyez d'abord les candidatures qui les attendent."),
    ("structure_blocks_applications", "Cette structure ne reçoit pas de candidatures", "La structure a suspendu les candidatures : choisissez une autre structure dans l'annuaire, ou réessayez plus tard."),
    ("spontaneous_applications_closed", "Candidatures spontanées fermées", "Cette structure ne reçoit pas de candidatures spontanées : choisissez une de ses fiches de poste."),
    ("job_not_open", "Fiche de poste indisponible", "Une fiche de poste choisie n'est plus active dans cette structure : rechargez la fiche de la structure et choisissez parmi ses postes ouverts."),
    ("duplicate_application", "Candidature déjà envoyée", "Une candidature a été envoyée à cette structure pour ce candidat il y a moins de 24 heures : suivez-la dans vos candidatures envoyées."),
    ("cv_already_attached", "CV déjà joint à une autre candidature", "Un CV accompagne une seule candidature : déposez de nouveau le fichier (POST /api/v1/cvs) pour le joindre à celle-ci."),
    ("duplicate_needs_confirmation", "Candidature déjà envoyée auparavant", "Ce candidat a déjà une candidature auprès de cette structure : confirmez si vous voulez en envoyer une nouvelle."),
    ("invalid_batch_size", "Lot de taille invalide", "Envoyez de 1 à 2 000 lignes par lot."),
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
