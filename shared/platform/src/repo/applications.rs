//! Applications (R-APPLY-*): sending, the boxes, one application, the monthly export. The boxes
//! walk `applications_sent` / `applications_received` (organization, newest first) and stop at
//! the page; a state filter walks the same index and skips the other states.

use crate::db::{int, opt_text, text, unreadable, Db, Row};
use crate::repo::passes::StoredPass;
use tremplin_domain::application::{SenderKind, State};
use tremplin_domain::decision::RefusalReason;
use tremplin_domain::Error;

/// The columns every projection of an application shares, with the names its parties read.
macro_rules! application_columns {
    () => {
        "a.id, a.candidate_id, a.structure_id, a.sender_kind, a.sender_user_id, \
        a.sender_organization_id, a.state, a.message, a.diagnosis_shared, a.diagnosis_id, a.cv_id, \
        a.created_unix, a.created_at, a.updated_at, a.pass_id, \
        c.first_name AS candidate_first_name, c.last_name AS candidate_last_name, \
        s.name AS structure_name, s.brand AS structure_brand, s.kind AS structure_kind, \
        so.name AS sender_organization_name, \
        u.first_name AS sender_first_name, u.last_name AS sender_last_name \
        FROM applications a JOIN candidates c ON c.id = a.candidate_id \
        JOIN organizations s ON s.id = a.structure_id \
        LEFT JOIN organizations so ON so.id = a.sender_organization_id \
        JOIN users u ON u.id = a.sender_user_id "
    };
}
macro_rules! select_application {
    ($tail:literal) => {
        concat!("SELECT ", application_columns!(), $tail)
    };
}
/// A box's total from `application_counts` (0007, kept by the triggers of 0008), never by
/// counting the box. Parameters as [`page_of_box`]'s: ?1 owner, ?4 the box's name, ?5 the states.
macro_rules! box_total {
    (every state) => {
        "(SELECT COALESCE(SUM(n), 0) FROM application_counts WHERE owner_id = ?1 AND box = ?4)"
    };
    (some states) => {
        "(SELECT COALESCE(SUM(n), 0) FROM application_counts WHERE owner_id = ?1 AND box = ?4 \
        AND state IN (SELECT value FROM json_each(?5)))"
    };
}
/// A page of a box, each row with the box's total (`box_total`): one statement for the page and
/// its count. ?1 owner, ?2 limit, ?3 offset, ?4 the box's name, ?5 the states (JSON).
macro_rules! page_of_box {
    (every state, $where:literal) => {
        concat!(
            "SELECT ",
            box_total!(every state),
            " AS box_total, ",
            application_columns!(),
            $where,
            " ORDER BY a.created_unix DESC, a.id DESC LIMIT ?2 OFFSET ?3"
        )
    };
    (some states, $where:literal) => {
        concat!(
            "SELECT ",
            box_total!(some states),
            " AS box_total, ",
            application_columns!(),
            $where,
            " AND a.state IN (SELECT value FROM json_each(?5)) \
            ORDER BY a.created_unix DESC, a.id DESC LIMIT ?2 OFFSET ?3"
        )
    };
}
const SELECT_ONE: &str = select_application!("WHERE a.id = ?");
const PAGE_SENT: &str = page_of_box!(every state, "WHERE a.sender_organization_id = ?1");
const PAGE_SENT_STATES: &str = page_of_box!(some states, "WHERE a.sender_organization_id = ?1");
const PAGE_RECEIVED: &str = page_of_box!(every state, "WHERE a.structure_id = ?1");
const PAGE_RECEIVED_STATES: &str = page_of_box!(some states, "WHERE a.structure_id = ?1");
const PAGE_OF_CANDIDATE: &str = page_of_box!(every state, "WHERE a.candidate_id = ?1");
const PAGE_OF_CANDIDATE_STATES: &str = page_of_box!(some states, "WHERE a.candidate_id = ?1");
/// A box's total alone, when its page is empty (past the last page, or an empty box), with the
/// page's parameters (limit and offset unused).
const COUNT_BOX: &str = concat!("SELECT ", box_total!(every state), " AS box_total");
const COUNT_BOX_STATES: &str = concat!("SELECT ", box_total!(some states), " AS box_total");
/// R-APPLY-10 export: an organization's applications sent in `[?2, ?3)` (unix seconds), oldest
/// first, through the boxes' indexes.
const MONTH_SENT: &str = select_application!(
    "WHERE a.sender_organization_id = ?1 AND a.created_unix >= ?2 AND a.created_unix < ?3 \
    ORDER BY a.created_unix, a.id"
);
const MONTH_RECEIVED: &str = select_application!(
    "WHERE a.structure_id = ?1 AND a.created_unix >= ?2 AND a.created_unix < ?3 \
    ORDER BY a.created_unix, a.id"
);
/// R-APPLY-3: the latest application of this candidate to this structure.
const LATEST_TO_STRUCTURE: &str = "SELECT MAX(created_unix) AS latest FROM applications \
    WHERE candidate_id = ? AND structure_id = ?";
const INSERT_APPLICATION: &str = "INSERT INTO applications (id, candidate_id, structure_id, \
    sender_kind, sender_user_id, sender_organization_id, state, message, diagnosis_shared, \
    diagnosis_id, cv_id, created_unix, created_at, updated_at) \
    VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?)";
/// R-APPLY-5: a transition that records nothing else (process, add to the pool); the state it
/// starts from is checked again by the statement itself.
const SET_STATE: &str = "UPDATE applications SET state = ?3, updated_at = ?4, \
    answered_unix = coalesce(answered_unix, ?5) WHERE id = ?1 AND state = ?2 RETURNING id";
/// R-APPLY-5..7: a transition that answers (postpone, refuse, accept): the answers, the refusal
/// and the hire are those of this decision, replacing an earlier one's.
const RECORD_DECISION: &str = "UPDATE applications SET state = ?3, updated_at = ?4, \
    answered_unix = coalesce(answered_unix, ?5), answer = ?6, answer_to_prescriber = ?7, \
    refusal_reason = ?8, refusal_comment = ?9, reason_shared = ?10, hiring_start_at = ?11, \
    hiring_end_at = ?12, pass_id = ?13, pass_status = ?14 WHERE id = ?1 AND state = ?2 RETURNING id";
/// R-APPLY-8: the candidate's other applications in the states of ?3 (JSON), anywhere, which
/// become obsolete.
const PENDING_OTHERS: &str = "SELECT id, state FROM applications \
    WHERE candidate_id = ?1 AND id <> ?2 AND state IN (SELECT value FROM json_each(?3))";
const OBSOLETE_OTHERS: &str = "UPDATE applications SET state = 'obsolete', updated_at = ?4 \
    WHERE candidate_id = ?1 AND id <> ?2 AND state IN (SELECT value FROM json_each(?3))";
/// The candidate's application at a structure in one of the states of ?3 (JSON).
const AT_STRUCTURE_IN_STATES: &str = "SELECT id, state FROM applications \
    WHERE candidate_id = ?1 AND structure_id = ?2 AND state IN (SELECT value FROM json_each(?3)) \
    ORDER BY created_unix DESC LIMIT 1";
/// R-PASS-7: a cancelled hire no longer uses its PASS.
const CANCEL_HIRE: &str = "UPDATE applications SET state = ?3, updated_at = ?4, \
    answered_unix = coalesce(answered_unix, ?5), pass_id = NULL, pass_status = NULL \
    WHERE id = ?1 AND state = ?2 RETURNING id";
/// R-PASS-7: the other accepted applications that use a PASS.
const OTHERS_ACCEPTED_ON_PASS: &str = "SELECT COUNT(*) AS n FROM applications \
    WHERE pass_id = ?1 AND id <> ?2 AND state = 'accepted'";
/// The decision an application carries (0009) and the PASS it uses, if not cancelled.
const SELECT_DECISION: &str = "SELECT a.answer, a.answer_to_prescriber, a.refusal_reason, \
    a.refusal_comment, a.reason_shared, a.hiring_start_at, a.hiring_end_at, a.pass_status, \
    p.id, p.number, p.candidate_id, p.start_at, p.end_at FROM applications a \
    LEFT JOIN passes p ON p.id = a.pass_id AND p.cancelled_at IS NULL WHERE a.id = ?";
const INSERT_JOB: &str = "INSERT INTO application_jobs (application_id, job_id) VALUES (?, ?)";
const SELECT_JOBS: &str =
    "SELECT j.id, j.title, j.rome_code, j.contract_type FROM application_jobs aj \
    JOIN job_descriptions j ON j.id = aj.job_id WHERE aj.application_id = ? ORDER BY j.title, j.id";

/// One application with the names of its parties.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: String,
    pub candidate_id: String,
    pub structure_id: String,
    pub sender_kind: SenderKind,
    pub sender_user_id: String,
    pub sender_organization_id: Option<String>,
    pub state: State,
    pub message: String,
    pub diagnosis_shared: bool,
    pub diagnosis_id: Option<String>,
    pub cv_id: Option<String>,
    pub created_unix: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The PASS the last accept used (0009).
    pub pass_id: Option<String>,
    pub candidate_first_name: String,
    pub candidate_last_name: String,
    pub structure_name: String,
    pub structure_kind: String,
    pub sender_organization_name: Option<String>,
    pub sender_first_name: String,
    pub sender_last_name: String,
}

impl Application {
    fn from_row(row: &Row<'_>) -> Result<Application, Error> {
        let (name, brand) = (
            row.text("structure_name")?,
            row.opt_text("structure_brand")?,
        );
        Ok(Application {
            id: row.text("id")?,
            candidate_id: row.text("candidate_id")?,
            structure_id: row.text("structure_id")?,
            sender_kind: SenderKind::parse(&row.text("sender_kind")?)
                .map_err(|e| unreadable("applications.sender_kind", e))?,
            sender_user_id: row.text("sender_user_id")?,
            sender_organization_id: row.opt_text("sender_organization_id")?,
            state: State::parse(&row.text("state")?)
                .map_err(|e| unreadable("applications.state", e))?,
            message: row.text("message")?,
            diagnosis_shared: row.bool("diagnosis_shared")?,
            diagnosis_id: row.opt_text("diagnosis_id")?,
            cv_id: row.opt_text("cv_id")?,
            created_unix: row.int("created_unix")?,
            created_at: row.text("created_at")?,
            updated_at: row.text("updated_at")?,
            pass_id: row.opt_text("pass_id")?,
            candidate_first_name: row.text("candidate_first_name")?,
            candidate_last_name: row.text("candidate_last_name")?,
            structure_name: tremplin_domain::organization::shown_name(&name, brand.as_deref())
                .to_owned(),
            structure_kind: row.text("structure_kind")?,
            sender_organization_name: row.opt_text("sender_organization_name")?,
            sender_first_name: row.text("sender_first_name")?,
            sender_last_name: row.text("sender_last_name")?,
        })
    }
}

/// A job description an application targets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetedJob {
    pub id: String,
    pub title: String,
    pub rome: String,
    pub contract_type: String,
}

pub struct NewApplication<'a> {
    pub id: &'a str,
    pub candidate_id: &'a str,
    pub structure_id: &'a str,
    pub sender_kind: SenderKind,
    pub sender_user_id: &'a str,
    pub sender_organization_id: Option<&'a str>,
    pub message: &'a str,
    pub diagnosis_shared: bool,
    pub diagnosis_id: Option<&'a str>,
    pub cv_id: Option<&'a str>,
    pub job_ids: &'a [String],
    pub now_unix: i64,
    pub now: &'a str,
}

pub fn insert(db: &Db, new: &NewApplication<'_>) -> Result<(), Error> {
    db.execute(
        INSERT_APPLICATION,
        &[
            text(new.id),
            text(new.candidate_id),
            text(new.structure_id),
            text(new.sender_kind.as_str()),
            text(new.sender_user_id),
            opt_text(new.sender_organization_id),
            text(new.message),
            int(new.diagnosis_shared.into()),
            opt_text(new.diagnosis_id),
            opt_text(new.cv_id),
            int(new.now_unix),
            text(new.now),
            text(new.now),
        ],
    )
    .map_err(|e| match e.unique_violation() {
        Some("applications.cv_id") => Error::Conflict {
            code: "cv_already_attached",
            detail: "Ce CV est déjà joint à une autre candidature.".into(),
            errors: [(
                "cv_id".to_owned(),
                vec!["Déposez-le à nouveau pour cette candidature.".to_owned()],
            )]
            .into(),
        },
        _ => e.into(),
    })?;
    for job_id in new.job_ids {
        db.execute(INSERT_JOB, &[text(new.id), text(job_id.as_str())])?;
    }
    Ok(())
}

pub fn find(db: &Db, id: &str) -> Result<Option<Application>, Error> {
    db.query(SELECT_ONE, &[text(id)])?
        .first()
        .map(|r| Application::from_row(&r))
        .transpose()
}

pub fn jobs(db: &Db, application_id: &str) -> Result<Vec<TargetedJob>, Error> {
    db.query(SELECT_JOBS, &[text(application_id)])?.map(|row| {
        Ok(TargetedJob {
            id: row.text("id")?,
            title: row.text("title")?,
            rome: row.text("rome_code")?,
            contract_type: row.text("contract_type")?,
        })
    })
}

/// Whose applications a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Mailbox<'a> {
    /// Sent by this organization.
    Sent(&'a str),
    /// Received by this structure.
    Received(&'a str),
    /// Of this candidate (their own space).
    OfCandidate(&'a str),
}

/// One page of a box, newest first, with the box's total; `states` empty = every state.
pub fn page(
    db: &Db,
    of: Mailbox<'_>,
    states: &[State],
    limit: i64,
    offset: i64,
) -> Result<(Vec<Application>, i64), Error> {
    let (owner, page_sql, count_sql) = match (of, states.is_empty()) {
        (Mailbox::Sent(id), true) => (id, PAGE_SENT, COUNT_BOX),
        (Mailbox::Sent(id), false) => (id, PAGE_SENT_STATES, COUNT_BOX_STATES),
        (Mailbox::Received(id), true) => (id, PAGE_RECEIVED, COUNT_BOX),
        (Mailbox::Received(id), false) => (id, PAGE_RECEIVED_STATES, COUNT_BOX_STATES),
        (Mailbox::OfCandidate(id), true) => (id, PAGE_OF_CANDIDATE, COUNT_BOX),
        (Mailbox::OfCandidate(id), false) => (id, PAGE_OF_CANDIDATE_STATES, COUNT_BOX_STATES),
    };
    let mut params = vec![text(owner), int(limit), int(offset), text(of.name())];
    if !states.is_empty() {
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        let states = serde_json::to_string(&states).map_err(|e| Error::internal(e.to_string()))?;
        params.push(text(states));
    }
    let page = db.query(page_sql, &params)?;
    let rows = page.map(Application::from_row)?;
    let count = match page.first() {
        Some(row) => row.int("box_total")?,
        None => db
            .query(count_sql, &params)?
            .first()
            .map(|r| r.int("box_total"))
            .transpose()?
            .unwrap_or(0),
    };
    Ok((rows, count))
}

impl<'a> Mailbox<'a> {
    /// Its name in `application_counts`.
    fn name(self) -> &'static str {
        match self {
            Mailbox::Sent(_) => "sent",
            Mailbox::Received(_) => "received",
            Mailbox::OfCandidate(_) => "candidate",
        }
    }
}

/// The applications of an organization's box sent in `[from, to)` (unix seconds).
pub fn of_month(db: &Db, of: Mailbox<'_>, from: i64, to: i64) -> Result<Vec<Application>, Error> {
    let (owner, sql) = match of {
        Mailbox::Sent(id) => (id, MONTH_SENT),
        Mailbox::Received(id) => (id, MONTH_RECEIVED),
        Mailbox::OfCandidate(_) => return Err(Error::internal("no monthly export of a candidate")),
    };
    db.query(sql, &[text(owner), int(from), int(to)])?
        .map(Application::from_row)
}

/// R-APPLY-3: when the candidate last applied to the structure (unix seconds).
pub fn latest_to_structure(
    db: &Db,
    candidate_id: &str,
    structure_id: &str,
) -> Result<Option<i64>, Error> {
    Ok(db
        .query(
            LATEST_TO_STRUCTURE,
            &[text(candidate_id), text(structure_id)],
        )?
        .first()
        .map(|r| r.opt_int("latest"))
        .transpose()?
        .flatten())
}

/// What a decision records besides the state (R-APPLY-5..7).
#[derive(Debug, Default)]
pub struct DecisionRecord {
    pub answer: Option<String>,
    pub answer_to_prescriber: Option<String>,
    pub refusal_reason: Option<&'static str>,
    pub refusal_comment: Option<String>,
    pub reason_shared: bool,
    pub hiring_start: Option<String>,
    pub hiring_end: Option<String>,
    pub pass_id: Option<String>,
    pub pass_status: Option<&'static str>,
}

/// The decision an application carries, as stored.
#[derive(Debug)]
pub struct RecordedDecision {
    pub answer: Option<String>,
    pub answer_to_prescriber: Option<String>,
    pub refusal_reason: Option<RefusalReason>,
    pub refusal_comment: Option<String>,
    pub reason_shared: bool,
    pub hiring_start_at: Option<String>,
    pub hiring_end_at: Option<String>,
    pub pass_status: Option<String>,
    pub pass: Option<StoredPass>,
}

pub fn decision(db: &Db, id: &str) -> Result<RecordedDecision, Error> {
    let rows = db.query(SELECT_DECISION, &[text(id)])?;
    let row = rows
        .first()
        .ok_or_else(|| Error::internal("the decision of an application read just before"))?;
    let refusal_reason = row
        .opt_text("refusal_reason")?
        .map(|code| {
            RefusalReason::parse(&code).map_err(|e| unreadable("applications.refusal_reason", e))
        })
        .transpose()?;
    let pass = match row.opt_text("id")? {
        Some(_) => Some(StoredPass::from_row(&row)?),
        None => None,
    };
    Ok(RecordedDecision {
        answer: row.opt_text("answer")?,
        answer_to_prescriber: row.opt_text("answer_to_prescriber")?,
        refusal_reason,
        refusal_comment: row.opt_text("refusal_comment")?,
        reason_shared: row.bool("reason_shared")?,
        hiring_start_at: row.opt_text("hiring_start_at")?,
        hiring_end_at: row.opt_text("hiring_end_at")?,
        pass_status: row.opt_text("pass_status")?,
        pass,
    })
}

/// What a transition changes besides the state.
#[derive(Debug)]
pub enum Change {
    /// Nothing else (process, add to the pool).
    StateOnly,
    /// The answers, the refusal or the hire (postpone, refuse, accept).
    Decision(DecisionRecord),
    /// The hire and the PASS it used (cancel).
    HireCancelled,
}

/// Moves the application from `from` to `to`, with what `change` records. `false` when the
/// application was no longer in `from`: a backstop, the caller having read it under the same
/// write lock. Every transition is the structure's act: the first one is its first answer
/// (R-STAT-1), at `rule_instant`.
pub fn transition(
    db: &Db,
    id: &str,
    (from, to): (State, State),
    (now, rule_instant): (&str, i64),
    change: &Change,
) -> Result<bool, Error> {
    let mut params = vec![
        text(id),
        text(from.as_str()),
        text(to.as_str()),
        text(now),
        int(rule_instant),
    ];
    let sql = match change {
        Change::StateOnly => SET_STATE,
        Change::HireCancelled => CANCEL_HIRE,
        Change::Decision(d) => {
            params.extend([
                opt_text(d.answer.clone()),
                opt_text(d.answer_to_prescriber.clone()),
                opt_text(d.refusal_reason),
                opt_text(d.refusal_comment.clone()),
                int(d.reason_shared.into()),
                opt_text(d.hiring_start.clone()),
                opt_text(d.hiring_end.clone()),
                opt_text(d.pass_id.clone()),
                opt_text(d.pass_status),
            ]);
            RECORD_DECISION
        }
    };
    Ok(!db.query(sql, &params)?.is_empty())
}

/// R-APPLY-8: makes the candidate's other applications in `states` obsolete; their ids and the
/// states they left.
pub fn obsolete_others(
    db: &Db,
    candidate_id: &str,
    hired_by: &str,
    states: &[State],
    now: &str,
) -> Result<Vec<(String, State)>, Error> {
    let states = states_json(states)?;
    let pending = db
        .query(
            PENDING_OTHERS,
            &[text(candidate_id), text(hired_by), text(states.as_str())],
        )?
        .map(|row| {
            let state = State::parse(&row.text("state")?)
                .map_err(|e| unreadable("applications.state", e))?;
            Ok((row.text("id")?, state))
        })?;
    if !pending.is_empty() {
        db.execute(
            OBSOLETE_OTHERS,
            &[text(candidate_id), text(hired_by), text(states), text(now)],
        )?;
    }
    Ok(pending)
}

/// The candidate's latest application at `structure_id` in one of `states`, with its state.
pub fn at_structure_in(
    db: &Db,
    candidate_id: &str,
    structure_id: &str,
    states: &[State],
) -> Result<Option<(String, State)>, Error> {
    db.query(
        AT_STRUCTURE_IN_STATES,
        &[
            text(candidate_id),
            text(structure_id),
            text(states_json(states)?),
        ],
    )?
    .first()
    .map(|row| {
        let state =
            State::parse(&row.text("state")?).map_err(|e| unreadable("applications.state", e))?;
        Ok((row.text("id")?, state))
    })
    .transpose()
}

fn states_json(states: &[State]) -> Result<String, Error> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    serde_json::to_string(&states).map_err(|e| Error::internal(e.to_string()))
}

/// R-PASS-7: whether another accepted application uses the PASS.
pub fn pass_used_elsewhere(db: &Db, pass_id: &str, except: &str) -> Result<bool, Error> {
    Ok(db
        .query(OTHERS_ACCEPTED_ON_PASS, &[text(pass_id), text(except)])?
        .first()
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0)
        > 0)
}
