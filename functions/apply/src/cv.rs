//! CV upload (R-APPLY-1): the PDF is sent raw (`Content-Type: application/pdf`, at most 1 MB,
//! checked by its signature), before the application that carries it (`cv_id`). A JSON body
//! would have to base64 it past the request limit.

use serde_json::json;
use tremplin_domain::application::check_cv;
use tremplin_domain::{Error, FieldErrors, Invalid};
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::cvs;
use tremplin_platform::{json, Ctx, Response};

use tremplin_platform::party;

/// CVs a user may hold that no application carries yet: enough for a morning's applications,
/// and a bound on what one account can store without sending anything.
const MAX_UNATTACHED_CVS: i64 = 20;

/// `POST /api/v1/cvs`.
pub fn upload(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let content_type = ctx.header("content-type").unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/pdf"))
    {
        return Err(Error::BadRequest {
            code: "invalid_content_type",
            detail: "Envoyez le CV brut, en PDF, avec l'en-tête Content-Type: application/pdf."
                .into(),
            errors: FieldErrors::from([(
                "Content-Type".to_owned(),
                vec!["application/pdf attendu.".to_owned()],
            )]),
        });
    }
    let content = ctx.body();
    check_cv(content).map_err(|invalid| Error::field("body", invalid))?;
    let id = new_id("cv")?;
    let user_id = party.user_id().to_owned();
    ctx.write(|db| {
        if cvs::count_unattached(db, &user_id)? >= MAX_UNATTACHED_CVS {
            return Err(Error::field(
                "body",
                Invalid::new("too_many_cvs", format!("Vous avez déjà {MAX_UNATTACHED_CVS} CV qui ne sont joints à aucune candidature : envoyez d'abord ces candidatures.")),
            ));
        }
        cvs::insert(db, &id, content, &user_id, &ctx.clock.now_rfc3339())?;
        ctx.audit(db, party.organization().map(|o| o.id.as_str()), "upload_cv", "cv", &id, json!({"size_bytes": content.len()}))?;
        json(201, &json!({"id": id, "size_bytes": content.len()}))
    })
}
