//! The administration's set-up endpoints: bootstrap of the first administration account (guarded
//! by the Spin variable `bootstrap_token`), and the batch import of organizations, users and
//! memberships used to load demo accounts (a demo candidate's account with its candidate record
//! among them). Loading twice changes nothing.

use serde::Deserialize;
use std::collections::BTreeMap;
use tremplin_domain::candidate::{Candidate, CandidateInput};
use tremplin_domain::organization::{Authorization, AuthorizationStatus, Category, Kind, Role};
use tremplin_domain::{Email, Error, FieldErrors, Siret};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::memberships::{self, Membership, Status};
use tremplin_platform::repo::organizations::{self, Address, NewOrganization, Profile};
use tremplin_platform::repo::{candidates, directory_index, users};
use tremplin_platform::{auth, json, Ctx, Response};

use crate::invitations::{insert_account, name, NewAccount};
use crate::password;

/// The administration organization created by the bootstrap.
const ADMINISTRATION_SIRET: &str = "11000000000000";

/// Per account import request: each new user costs an Argon2 hash (~60 ms) before the one
/// transaction; the demo set is a dozen accounts.
const MAX_IMPORTED_ORGANIZATIONS: usize = 200;
const MAX_IMPORTED_USERS: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bootstrap {
    email: String,
    password: String,
    first_name: String,
    last_name: String,
}

/// Creates the administration organization and its first admin, once. Guarded by a secret known
/// to whoever deploys (`bootstrap_token`, empty = disabled), compared by hash.
pub fn bootstrap(ctx: &Ctx) -> Result<Response, Error> {
    auth::require_deployment_secret(ctx, "bootstrap_token")?;
    let body: Bootstrap = ctx.json()?;
    let mut errors = FieldErrors::new();
    let email =
        Email::parse(&body.email).map_err(|e| errors.insert("email".into(), vec![e.message]));
    let first_name = name("first_name", &body.first_name, &mut errors);
    let last_name = name("last_name", &body.last_name, &mut errors);
    if let Err(invalid) = password::check_new(&body.password) {
        errors.insert("password".into(), vec![invalid.message]);
    }
    let (Ok(email), true) = (email, errors.is_empty()) else {
        return Err(Error::fields(errors));
    };
    let kind = Kind::parse(Category::Administration, "DDETS")?;
    let db = ctx.db()?;
    if let Some(existing) =
        organizations::find_id_by_siret_kind(db, ADMINISTRATION_SIRET, kind.code())?
    {
        let admin = users::find_by_email(db, email.as_str())?;
        return match admin
            .and_then(|u| memberships::find(db, &existing, &u.id).transpose())
            .transpose()?
        {
            Some(_) => json(
                200,
                &serde_json::json!({"organization_id": existing, "created": false}),
            ),
            None => Err(Error::conflict(
                "already_bootstrapped",
                "L'administration a déjà un compte.",
            )),
        };
    }
    let password_hash = password::hash(&body.password)?;
    let (organization_id, user_id) = (new_id("org")?, new_id("usr")?);
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        organizations::insert(
            db,
            NewOrganization {
                id: &organization_id,
                kind,
                siret: Some(ADMINISTRATION_SIRET),
                profile: &Profile {
                    name: "Administration Tremplin (DDETS)".into(),
                    ..Profile::default()
                },
                address: &Address::default(),
                authorization: Authorization {
                    status: kind.initial_authorization(),
                    valid_until: None,
                },
                is_demo: false,
                created_by: None,
                now: &now,
            },
        )?;
        let account = NewAccount {
            email: email.as_str(),
            first_name: &first_name,
            last_name: &last_name,
        };
        insert_account(db, &user_id, account, &password_hash, &now)?;
        let membership = Membership {
            user_id: user_id.clone(),
            organization_id: organization_id.clone(),
            role: Role::Admin,
            status: Status::Active,
        };
        memberships::insert(db, &membership, None, &now)?;
        ctx.audit(
            db,
            Some(&organization_id),
            "bootstrap",
            "organization",
            &organization_id,
            serde_json::json!({}),
        )?;
        json(
            201,
            &serde_json::json!({"organization_id": organization_id, "created": true}),
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsImport {
    organizations: Vec<OrganizationRow>,
    users: Vec<UserRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationRow {
    /// How `users[].memberships[].organization` refers to this row within the batch.
    #[serde(rename = "ref")]
    reference: String,
    category: String,
    kind: String,
    siret: String,
    name: String,
    #[serde(default)]
    authorization_status: Option<String>,
    #[serde(default)]
    post_code: Option<String>,
    #[serde(default)]
    city_insee: Option<String>,
    #[serde(default)]
    city_name: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    #[serde(default)]
    is_demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRow {
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    memberships: Vec<MembershipRow>,
    /// A candidate's account (no membership) and its candidate record, under the same e-mail.
    #[serde(default)]
    candidate: Option<CandidateInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipRow {
    organization: String,
    role: String,
}

/// The account import sets passwords itself: only where the Spin variable `demo_data` is
/// `"true"` (empty by default, as in production).
fn demo_data_allowed() -> Result<bool, Error> {
    let value = spin_sdk::variables::get("demo_data")
        .map_err(|e| Error::internal(format!("variable demo_data: {e:?}")))?;
    Ok(value.trim() == "true")
}

/// At most [`MAX_IMPORTED_ORGANIZATIONS`] and [`MAX_IMPORTED_USERS`] per request.
fn check_batch_size(batch: &AccountsImport) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    for (field, rows, max) in [
        (
            "organizations",
            batch.organizations.len(),
            MAX_IMPORTED_ORGANIZATIONS,
        ),
        ("users", batch.users.len(), MAX_IMPORTED_USERS),
    ] {
        if rows > max {
            errors.insert(
                field.into(),
                vec![format!(
                    "Au plus {max} lignes par requête : découpez le lot."
                )],
            );
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::BadRequest {
            code: "batch_too_large",
            detail: "Ce lot est trop grand pour une seule requête.".into(),
            errors,
        }),
    }
}

/// Adds what is missing: organizations (known by SIRET and kind), users (known by e-mail; an
/// existing one is left as is, password included) and memberships. Existing rows are never
/// changed, so loading twice changes nothing. All or nothing.
pub fn import_accounts(ctx: &Ctx) -> Result<Response, Error> {
    ctx.actor()?.require_administrator()?;
    if !demo_data_allowed()? {
        return Err(Error::Forbidden {
            detail: "L'import de comptes, qui fixe les mots de passe, n'est ouvert que sur un \
                     déploiement de démonstration (variable demo_data)."
                .into(),
        });
    }
    let mut batch: AccountsImport = ctx.json()?;
    check_batch_size(&batch)?;
    let today = ctx.clock.today();
    let mut errors = FieldErrors::new();
    let mut kinds = BTreeMap::new();
    let mut sirets = BTreeMap::new();
    for (i, row) in batch.organizations.iter().enumerate() {
        let field = |name: &str| format!("organizations[{i}].{name}");
        let mut invalid =
            |name: &str, message: String| drop(errors.insert(field(name), vec![message]));
        let category = Category::parse(&row.category).map_err(|e| invalid("category", e.message));
        let kind =
            category.map(|c| Kind::parse(c, &row.kind).map_err(|e| invalid("kind", e.message)));
        let status = row
            .authorization_status
            .as_deref()
            .map(AuthorizationStatus::parse)
            .transpose();
        match (kind, status) {
            (Ok(Ok(kind)), Ok(status)) => match Authorization::imported(kind, status, today) {
                Ok(authorization) => {
                    if kinds
                        .insert(row.reference.clone(), (kind, authorization))
                        .is_some()
                    {
                        invalid("ref", "Référence déjà utilisée dans ce lot.".into());
                    }
                }
                Err((name, rule)) => invalid(name, rule.message),
            },
            (_, Err(rule)) => invalid("authorization_status", rule.message),
            _ => {}
        }
        match Siret::parse(&row.siret) {
            Ok(siret) => drop(sirets.insert(row.reference.clone(), siret.as_str().to_owned())),
            Err(rule) => invalid("siret", rule.message),
        }
        if row.name.trim().is_empty() || row.name.trim().chars().count() > 255 {
            invalid(
                "name",
                "Le nom doit comporter entre 1 et 255 caractères.".into(),
            );
        }
        let in_range =
            |value: Option<f64>, limit: f64| value.is_none_or(|v| (-limit..=limit).contains(&v));
        if !in_range(row.latitude, 90.0) || !in_range(row.longitude, 180.0) {
            invalid("latitude", "Coordonnées hors limites.".into());
        }
    }
    let mut new_users = Vec::new();
    let mut candidate_records = BTreeMap::new();
    let db = ctx.db()?;
    for (i, row) in batch.users.iter_mut().enumerate() {
        let field = |name: &str| format!("users[{i}].{name}");
        if row.candidate.is_some() && !row.memberships.is_empty() {
            errors.insert(
                field("memberships"),
                vec!["Un compte candidat n'appartient à aucune organisation.".into()],
            );
        }
        let candidate = row.candidate.take().map(|input| {
            imported_candidate(input, &row.email, today)
                .map_err(|rejected| prefixed(&mut errors, &field("candidate"), rejected))
        });
        let email = match Email::parse(&row.email) {
            Ok(email) => email,
            Err(invalid) => {
                errors.insert(field("email"), vec![invalid.message]);
                continue;
            }
        };
        for (j, membership) in row.memberships.iter().enumerate() {
            if !kinds.contains_key(&membership.organization) {
                errors.insert(
                    field(&format!("memberships[{j}].organization")),
                    vec!["Organisation absente du lot.".into()],
                );
            }
            if let Err(invalid) = Role::parse(&membership.role) {
                errors.insert(
                    field(&format!("memberships[{j}].role")),
                    vec![invalid.message],
                );
            }
        }
        if let Some(Ok(candidate)) = candidate {
            candidate_records.insert(email.as_str().to_owned(), candidate);
        }
        name(&field("first_name"), &row.first_name, &mut errors);
        name(&field("last_name"), &row.last_name, &mut errors);
        // Only new users get a password: hashing (slow by design) happens outside the transaction.
        if users::find_by_email(db, email.as_str())?.is_none() {
            match password::check_new(&row.password) {
                Ok(()) => {
                    new_users.push((email.as_str().to_owned(), password::hash(&row.password)?))
                }
                Err(invalid) => drop(errors.insert(field("password"), vec![invalid.message])),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        let mut created = BTreeMap::from([("organizations", 0), ("users", 0), ("memberships", 0)]);
        // Counted only in a batch that carries candidates: the others answer as before.
        if !candidate_records.is_empty() {
            created.insert("candidates", 0);
        }
        let mut ids = BTreeMap::new();
        for row in &batch.organizations {
            let (kind, authorization) = kinds[&row.reference];
            let siret = &sirets[&row.reference];
            let id = match organizations::find_id_by_siret_kind(db, siret, kind.code())? {
                Some(id) => id,
                None => {
                    let id = new_id("org")?;
                    let address = Address {
                        post_code: row.post_code.clone(),
                        city_insee: row.city_insee.clone(),
                        city_name: row.city_name.clone(),
                        department: row.department.clone(),
                        latitude: row.latitude,
                        longitude: row.longitude,
                        ..Address::default()
                    };
                    let cell = organizations::insert(
                        db,
                        NewOrganization {
                            id: &id,
                            kind,
                            siret: Some(siret),
                            profile: &Profile {
                                name: row.name.trim().to_owned(),
                                ..Profile::default()
                            },
                            address: &address,
                            authorization,
                            is_demo: row.is_demo,
                            created_by: None,
                            now: &now,
                        },
                    )?;
                    // Structures and prescribers with coordinates join the directory at once.
                    if kind.category() != Category::Administration {
                        directory_index::rebuild(
                            db,
                            kind.category(),
                            cell,
                            ctx.clock.rule_instant(),
                        )?;
                    }
                    *created.get_mut("organizations").expect("key") += 1;
                    id
                }
            };
            ids.insert(row.reference.clone(), id);
        }
        for row in &batch.users {
            let email = row.email.trim().to_lowercase();
            let user_id = match users::find_by_email(db, &email)? {
                Some(user) => user.id,
                None => {
                    let hash = new_users
                        .iter()
                        .find(|(e, _)| *e == email)
                        .map(|(_, h)| h.as_str());
                    let hash = hash.ok_or_else(|| {
                        Error::conflict("concurrent_import", "Import concurrent : réessayez.")
                    })?;
                    let id = new_id("usr")?;
                    let account = NewAccount {
                        email: &email,
                        first_name: row.first_name.trim(),
                        last_name: row.last_name.trim(),
                    };
                    insert_account(db, &id, account, hash, &now)?;
                    *created.get_mut("users").expect("key") += 1;
                    id
                }
            };
            if let Some(candidate) = candidate_records.get(&email) {
                if import_candidate_record(db, &user_id, candidate, &now)? {
                    *created.get_mut("candidates").expect("key") += 1;
                }
            }
            for membership in &row.memberships {
                let organization_id = &ids[&membership.organization];
                if memberships::find(db, organization_id, &user_id)?.is_none() {
                    let role = Role::parse(&membership.role)?;
                    let row = Membership {
                        user_id: user_id.clone(),
                        organization_id: organization_id.clone(),
                        role,
                        status: Status::Active,
                    };
                    memberships::insert(db, &row, None, &now)?;
                    *created.get_mut("memberships").expect("key") += 1;
                }
            }
        }
        ctx.audit(
            db,
            None,
            "import_accounts",
            "batch",
            "accounts",
            serde_json::json!({"created": created}),
        )?;
        json(200, &serde_json::json!({"created": created}))
    })
}

/// A demo candidate's identity (R-CAND-1..4), under its account's e-mail; the errors keyed by
/// the candidate's own field names.
fn imported_candidate(
    input: CandidateInput,
    account_email: &str,
    today: tremplin_domain::Date,
) -> Result<Candidate, FieldErrors> {
    let mut errors = FieldErrors::new();
    let same_email = input.email.as_deref().map(|e| e.trim().to_lowercase())
        == Some(account_email.trim().to_lowercase());
    if !same_email {
        errors.insert(
            "email".into(),
            vec!["Le candidat a l'adresse e-mail de son compte.".into()],
        );
    }
    match Candidate::parse(input, today) {
        Ok(candidate) if errors.is_empty() => Ok(candidate),
        Ok(_) => Err(errors),
        Err(rejected) => {
            for (field, messages) in rejected.field_errors().cloned().unwrap_or_default() {
                errors.entry(field).or_default().extend(messages);
            }
            Err(errors)
        }
    }
}

/// `errors` of a nested object, each under `prefix.` in `into`.
fn prefixed(into: &mut FieldErrors, prefix: &str, errors: FieldErrors) {
    into.extend(
        errors
            .into_iter()
            .map(|(field, messages)| (format!("{prefix}.{field}"), messages)),
    );
}

/// The candidate record of an imported candidate account: created with it, or the record with
/// its e-mail that has no account yet, linked; an account that has one keeps it. True when a
/// record was created.
fn import_candidate_record(
    db: &Db,
    user_id: &str,
    candidate: &Candidate,
    now: &str,
) -> Result<bool, Error> {
    if candidates::find_by_user(db, user_id)?.is_some() {
        return Ok(false);
    }
    match candidates::find_by_email(db, &candidate.email)? {
        Some(existing) if candidates::link_user(db, &existing.id, user_id, now)? => Ok(false),
        Some(_) => Err(Error::conflict(
            "candidate_has_account",
            "Un candidat de cette adresse est déjà rattaché à un autre compte.",
        )),
        None => {
            candidates::insert(db, &new_id("cand")?, candidate, Some(user_id), None, now)?;
            Ok(true)
        }
    }
}
