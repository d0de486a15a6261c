//! Applications ("candidatures"): who sends them, their states, the message, the 24-hour
//! duplicate rule, the CV, and the monthly CSV synthesis. Rules: R-APPLY-1 (senders, message,
//! CV), R-APPLY-3 (duplicates), R-APPLY-5 (states), R-APPLY-10 (monthly export).

use crate::{Date, Error, FieldErrors, Invalid};

/// Who sent an application (R-APPLY-1). A prescriber is "habilité" (R-ORG-5); anyone else
/// applying for a candidate from an organization is an orienteur.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SenderKind {
    Prescriber,
    Orienteur,
    Employer,
    JobSeeker,
}

impl SenderKind {
    const ALL: [SenderKind; 4] = [
        SenderKind::Prescriber,
        SenderKind::Orienteur,
        SenderKind::Employer,
        SenderKind::JobSeeker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Prescriber => "prescriber",
            SenderKind::Orienteur => "orienteur",
            SenderKind::Employer => "employer",
            SenderKind::JobSeeker => "job_seeker",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_sender_kind",
                    "Type d'émetteur inconnu (prescriber, orienteur, employer ou job_seeker).",
                )
            })
    }

    /// How the structure sees the sender.
    pub fn label(self) -> &'static str {
        match self {
            SenderKind::Prescriber => "Prescripteur habilité",
            SenderKind::Orienteur => "Orienteur",
            SenderKind::Employer => "Employeur",
            SenderKind::JobSeeker => "Candidat",
        }
    }
}

/// The states of an application (R-APPLY-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    New,
    Processing,
    Postponed,
    Accepted,
    Refused,
    Cancelled,
    Obsolete,
    Pool,
}

/// R-APPLY-5, in the rulebook's order.
pub const ALL_STATES: [State; 8] = [
    State::New,
    State::Processing,
    State::Postponed,
    State::Accepted,
    State::Refused,
    State::Cancelled,
    State::Obsolete,
    State::Pool,
];

const STATE_CODE: &str = "invalid_state";

impl State {
    /// The API string of R-APPLY-5.
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Processing => "processing",
            State::Postponed => "postponed",
            State::Accepted => "accepted",
            State::Refused => "refused",
            State::Cancelled => "cancelled",
            State::Obsolete => "obsolete",
            State::Pool => "pool",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        ALL_STATES
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                let allowed: Vec<&str> = ALL_STATES.iter().map(|s| s.as_str()).collect();
                Invalid::new(
                    STATE_CODE,
                    format!(
                        "État de candidature inconnu : « {value} » (valeurs possibles : {}).",
                        allowed.join(", ")
                    ),
                )
            })
    }

    /// The French label shown to users (R-APPLY-5).
    pub fn label(self) -> &'static str {
        match self {
            State::New => "Nouvelle",
            State::Processing => "À l'étude",
            State::Postponed => "Pour plus tard",
            State::Accepted => "Acceptée",
            State::Refused => "Refusée",
            State::Cancelled => "Embauche annulée",
            State::Obsolete => "Embauché ailleurs",
            State::Pool => "Vivier",
        }
    }
}

/// `?state=new,processing`: the distinct states, in the order given. Items are trimmed and
/// empty items skipped (`new,,processing,` is two states); a list with no state is refused, as is
/// any unknown state.
pub fn parse_states(list: &str) -> Result<Vec<State>, Invalid> {
    let mut states = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let state = State::parse(item)?;
        if !states.contains(&state) {
            states.push(state);
        }
    }
    if states.is_empty() {
        return Err(Invalid::new(
            STATE_CODE,
            "Indiquez au moins un état de candidature.",
        ));
    }
    Ok(states)
}

/// R-APPLY-1: the longest "message de candidature", in characters.
pub const MESSAGE_MAX_CHARS: usize = 5000;

/// R-APPLY-1: the "message de candidature", trimmed, 1..=5000 characters (Unicode scalar values,
/// as SQLite's `length()` counts them in the table's CHECK).
pub fn message(text: &str) -> Result<String, Invalid> {
    required_text(text, "invalid_message", "Le message de candidature")
}

/// A required free text of an application (its message, a structure's answer): trimmed, line
/// breaks but no other control characters, 1..=[`MESSAGE_MAX_CHARS`] characters; `what` names it
/// in the French messages.
pub fn required_text(text: &str, code: &'static str, what: &str) -> Result<String, Invalid> {
    let text = text.trim();
    crate::text::multi_line(text)?;
    let chars = text.chars().count();
    if chars == 0 {
        return Err(Invalid::new(code, format!("{what} est obligatoire.")));
    }
    if chars > MESSAGE_MAX_CHARS {
        return Err(Invalid::new(
            code,
            format!("{what} dépasse {MESSAGE_MAX_CHARS} caractères ({chars})."),
        ));
    }
    Ok(text.to_owned())
}

/// An optional text field: blank is absent; otherwise the rules of a required text, its error
/// under `field`.
pub fn optional_text(
    text: Option<&str>,
    code: &'static str,
    field: &str,
    what: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).and_then(|t| {
        required_text(t, code, what)
            .map_err(|invalid| errors.insert(field.into(), vec![invalid.message]))
            .ok()
    })
}

/// R-APPLY-3: within 24 hours of the previous application to the same structure, a new one is
/// refused.
pub const DUPLICATE_WINDOW_SECONDS: i64 = 24 * 3600;

/// R-APPLY-3, given the creation time (unix seconds) of the candidate's latest application to
/// the same structure: none → Ok; less than 24 hours old → `duplicate_application`; older →
/// Ok only if the sender confirmed, else `duplicate_needs_confirmation` naming
/// `confirm_duplicate`. Exactly 24 hours old counts as older. A previous application "in the
/// future" (clock skew) counts as less than 24 hours old.
pub fn check_duplicate(
    previous_created_unix: Option<i64>,
    now_unix: i64,
    confirmed: bool,
) -> Result<(), Error> {
    let Some(previous) = previous_created_unix else {
        return Ok(());
    };
    if now_unix.saturating_sub(previous) < DUPLICATE_WINDOW_SECONDS {
        return Err(Error::conflict(
            "duplicate_application",
            "Une candidature a déjà été envoyée à cette structure pour ce candidat il y a moins de 24 heures. Réessayez plus tard.",
        ));
    }
    if confirmed {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    errors.insert(
        "confirm_duplicate".into(),
        vec![
            "Confirmez l'envoi : ce candidat a déjà une candidature auprès de cette structure."
                .into(),
        ],
    );
    Err(Error::Conflict {
        code: "duplicate_needs_confirmation",
        detail: "Une candidature a déjà été envoyée à cette structure pour ce candidat : confirmez pour en envoyer une nouvelle.".into(),
        errors,
    })
}

/// R-APPLY-1: the largest CV accepted, in bytes (1 Mo).
pub const CV_MAX_BYTES: usize = 1_000_000;
const PDF_SIGNATURE: &[u8] = b"%PDF-";
const PDF_END: &[u8] = b"%%EOF";
/// Where `%%EOF` must be: the PDF specification asks readers to look for it in the last 1024
/// bytes, which leaves room for trailing whitespace or junk some writers add.
const PDF_END_WINDOW: usize = 1024;

/// R-APPLY-1: a CV is a PDF of 1..=CV_MAX_BYTES bytes. A shape check (signature at the start,
/// `%%EOF` near the end), not a PDF parser: enough to refuse images, office documents and
/// truncated uploads; the file is only ever served back as a download.
pub fn check_cv(bytes: &[u8]) -> Result<(), Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::new("cv_empty", "Le CV est vide."));
    }
    if bytes.len() > CV_MAX_BYTES {
        return Err(Invalid::new(
            "cv_too_large",
            format!(
                "Le CV dépasse la taille maximale de {} Mo.",
                CV_MAX_BYTES / 1_000_000
            ),
        ));
    }
    let tail = &bytes[bytes.len().saturating_sub(PDF_END_WINDOW)..];
    if !bytes.starts_with(PDF_SIGNATURE) || !tail.windows(PDF_END.len()).any(|w| w == PDF_END) {
        return Err(Invalid::new(
            "cv_not_pdf",
            "Le CV doit être un fichier PDF.",
        ));
    }
    Ok(())
}

/// A calendar month `YYYY-MM` (R-APPLY-10's monthly export): the applications created from
/// [`Month::first_day`] included to [`Month::next_first_day`] excluded.
///
/// Years 0001–9998 only, so that the next month's first day is always a [`Date`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    first_day: Date,
}

impl Month {
    /// Strict `YYYY-MM`: four-digit year, two-digit month 01–12, nothing around.
    pub fn parse(s: &str) -> Result<Month, Invalid> {
        let invalid = || {
            Invalid::new(
                "invalid_month",
                "Mois invalide : attendu au format AAAA-MM (par exemple 2026-03).",
            )
        };
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return Err(invalid());
        }
        let (year, month) = (&b[..4], &b[5..]);
        if !year.iter().chain(month).all(u8::is_ascii_digit) {
            return Err(invalid());
        }
        let number = |digits: &[u8]| {
            digits
                .iter()
                .fold(0, |acc, &c| acc * 10 + i32::from(c - b'0'))
        };
        let (year, month) = (number(year), number(month));
        if year > 9998 {
            return Err(invalid());
        }
        let month = u8::try_from(month).map_err(|_| invalid())?;
        Date::from_ymd(year, month, 1)
            .map(|first_day| Month { first_day })
            .map_err(|_| invalid())
    }

    pub fn first_day(self) -> Date {
        self.first_day
    }

    /// The first day of the following month (the export's excluded end).
    pub fn next_first_day(self) -> Date {
        self.first_day.add_months(1)
    }

    /// `2026-03`.
    pub fn as_string(self) -> String {
        format!("{:04}-{:02}", self.first_day.year(), self.first_day.month())
    }
}

/// Spreadsheet CSV (R-APPLY-10): a UTF-8 byte-order mark first, so that Excel reads the accents.
pub const CSV_BOM: &str = "\u{feff}";
const CSV_SEPARATOR: char = ';';

/// One line of spreadsheet CSV (R-APPLY-10): `;`-separated (the separator French spreadsheets
/// expect), ending with CRLF. A field is quoted, quotes doubled, when it holds `;`, `"`, CR or
/// LF. A field starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so that a
/// spreadsheet shows it as text and never runs it as a formula (CSV injection: names and
/// messages are typed by users). The price: a negative number would read as text; the export
/// has none.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(CSV_SEPARATOR);
        }
        let field = field.as_ref();
        let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{field}")
        } else {
            field.to_owned()
        };
        if field.contains([CSV_SEPARATOR, '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&field);
        }
    }
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_apply_1_sender_kinds_round_trip() {
        for kind in SenderKind::ALL {
            assert_eq!(SenderKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(SenderKind::JobSeeker.as_str(), "job_seeker");
        assert_eq!(SenderKind::Prescriber.label(), "Prescripteur habilité");
        assert_eq!(SenderKind::JobSeeker.label(), "Candidat");
        assert_eq!(
            SenderKind::parse("candidate").unwrap_err().code,
            "invalid_sender_kind"
        );
    }

    #[test]
    fn r_apply_5_states_and_labels() {
        // Written from R-APPLY-5, not read from the enum.
        let expected = [
            ("new", "Nouvelle"),
            ("processing", "À l'étude"),
            ("postponed", "Pour plus tard"),
            ("accepted", "Acceptée"),
            ("refused", "Refusée"),
            ("cancelled", "Embauche annulée"),
            ("obsolete", "Embauché ailleurs"),
            ("pool", "Vivier"),
        ];
        assert_eq!(ALL_STATES.len(), expected.len());
        for (state, (api, label)) in ALL_STATES.into_iter().zip(expected) {
            assert_eq!((state.as_str(), state.label()), (api, label));
            assert_eq!(State::parse(api), Ok(state));
        }
        let err = State::parse("NEW").unwrap_err();
        assert_eq!(err.code, "invalid_state");
        assert!(err.message.contains("« NEW »"), "{}", err.message);
    }

    #[test]
    fn r_apply_5_state_lists() {
        assert_eq!(
            parse_states("new,processing"),
            Ok(vec![State::New, State::Processing])
        );
        assert_eq!(
            parse_states(" pool , new,pool,new "),
            Ok(vec![State::Pool, State::New])
        );
        assert_eq!(
            parse_states("accepted,,refused,"),
            Ok(vec![State::Accepted, State::Refused])
        );
        for empty in ["", " ", ",", " , "] {
            assert_eq!(parse_states(empty).unwrap_err().code, "invalid_state");
        }
        let err = parse_states("new,hired").unwrap_err();
        assert_eq!(err.code, "invalid_state");
        assert!(err.message.contains("« hired »"), "{}", err.message);
    }

    #[test]
    fn r_apply_1_message_is_trimmed_and_bounded() {
        assert_eq!(
            message("  Bonjour,\nvoici Marie.  "),
            Ok("Bonjour,\nvoici Marie.".into())
        );
        for empty in ["", "   ", "\n\t "] {
            assert_eq!(message(empty).unwrap_err().code, "invalid_message");
        }
        // Counted in characters, not bytes.
        let longest = "é".repeat(MESSAGE_MAX_CHARS);
        assert_eq!(message(&format!(" {longest} ")), Ok(longest.clone()));
        let err = message(&format!("{longest}e")).unwrap_err();
        assert_eq!(err.code, "invalid_message");
        assert!(err.message.contains("5000"), "{}", err.message);
    }

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn r_apply_3_no_previous_application() {
        assert_eq!(check_duplicate(None, NOW, false), Ok(()));
        assert_eq!(check_duplicate(None, NOW, true), Ok(()));
    }

    #[test]
    fn r_apply_3_less_than_24_hours_is_refused_even_confirmed() {
        for age in [0, 1, 3600, 86_399] {
            for confirmed in [false, true] {
                let err = check_duplicate(Some(NOW - age), NOW, confirmed).unwrap_err();
                assert_eq!(err.status(), 409);
                assert_eq!(err.code(), "duplicate_application", "{age}");
                assert!(err.detail().contains("24 heures"));
            }
        }
        // A previous application dated after now (clock skew) is not older than 24 hours.
        let err = check_duplicate(Some(NOW + 10), NOW, true).unwrap_err();
        assert_eq!(err.code(), "duplicate_application");
    }

    #[test]
    fn r_apply_3_from_24_hours_needs_confirmation() {
        for age in [86_400, 86_460, 30 * 86_400] {
            let err = check_duplicate(Some(NOW - age), NOW, false).unwrap_err();
            assert_eq!(err.status(), 409);
            assert_eq!(err.code(), "duplicate_needs_confirmation", "{age}");
            let errors = err.field_errors().unwrap();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors["confirm_duplicate"].len(), 1);

            assert_eq!(check_duplicate(Some(NOW - age), NOW, true), Ok(()), "{age}");
        }
    }

    #[test]
    fn r_apply_3_extreme_times_do_not_overflow() {
        assert!(check_duplicate(Some(i64::MIN), i64::MAX, true).is_ok());
        assert!(check_duplicate(Some(i64::MAX), i64::MIN, true).is_err());
    }

    /// A minimal but complete one-page PDF, as a PDF writer produces it.
    fn minimal_pdf() -> Vec<u8> {
        b"%PDF-1.4\n\
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n\
xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n\
trailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
            .to_vec()
    }

    #[test]
    fn r_apply_1_a_pdf_cv_is_accepted() {
        assert_eq!(check_cv(&minimal_pdf()), Ok(()));
        // Trailing bytes after %%EOF, within the last 1024 bytes, are tolerated.
        let mut padded = minimal_pdf();
        padded.extend(std::iter::repeat_n(b' ', 1000));
        assert_eq!(check_cv(&padded), Ok(()));
        // The largest accepted size.
        let mut largest = b"%PDF-1.7\n".to_vec();
        largest.resize(CV_MAX_BYTES - 6, b'0');
        largest.extend(b"%%EOF\n");
        assert_eq!(largest.len(), CV_MAX_BYTES);
        assert_eq!(check_cv(&largest), Ok(()));
    }

    #[test]
    fn r_apply_1_other_files_are_refused() {
        let png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89%%EOF";
        assert_eq!(check_cv(png).unwrap_err().code, "cv_not_pdf");
        // Truncated: no %%EOF.
        let pdf = minimal_pdf();
        assert_eq!(
            check_cv(&pdf[..pdf.len() - 7]).unwrap_err().code,
            "cv_not_pdf"
        );
        // %%EOF too far from the end.
        let mut junk = minimal_pdf();
        junk.extend(std::iter::repeat_n(b' ', 1024));
        assert_eq!(check_cv(&junk).unwrap_err().code, "cv_not_pdf");
        assert_eq!(check_cv(b"%PDF").unwrap_err().code, "cv_not_pdf");
        assert_eq!(check_cv(b"%%EOF").unwrap_err().code, "cv_not_pdf");
    }

    #[test]
    fn r_apply_1_cv_size_limits() {
        assert_eq!(check_cv(b"").unwrap_err().code, "cv_empty");
        let mut too_large = minimal_pdf();
        too_large.resize(CV_MAX_BYTES + 1 - 6, b'0');
        too_large.extend(b"%%EOF\n");
        assert_eq!(too_large.len(), 1_000_001);
        let err = check_cv(&too_large).unwrap_err();
        assert_eq!(err.code, "cv_too_large");
        assert!(err.message.contains("1 Mo"), "{}", err.message);
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn r_apply_10_months() {
        let march = Month::parse("2026-03").unwrap();
        assert_eq!(march.first_day(), date("2026-03-01"));
        assert_eq!(march.next_first_day(), date("2026-04-01"));
        assert_eq!(march.as_string(), "2026-03");
        let december = Month::parse("2026-12").unwrap();
        assert_eq!(december.next_first_day(), date("2027-01-01"));
        assert_eq!(Month::parse("0001-01").unwrap().as_string(), "0001-01");
        assert_eq!(
            Month::parse("9998-12").unwrap().next_first_day(),
            date("9999-01-01")
        );
    }

    #[test]
    fn r_apply_10_invalid_months() {
        for s in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-03",
            "2026-3 ",
            " 2026-03",
            "2026/03",
            "2026-03-01",
            "mars 2026",
            "",
            "0000-01",
            "9999-01",
            "+026-03",
            "2026-+3",
            "２０２６-03",
        ] {
            assert_eq!(Month::parse(s).unwrap_err().code, "invalid_month", "{s:?}");
        }
    }

    #[test]
    fn r_apply_10_csv_plain_fields() {
        assert_eq!(csv_line(&["a", "b c", "Élodie"]), "a;b c;Élodie\r\n");
        assert_eq!(csv_line(&[String::from("x"), String::new()]), "x;\r\n");
        assert_eq!(csv_line::<&str>(&[]), "\r\n");
        assert_eq!(csv_line(&["2026-03-01", "3"]), "2026-03-01;3\r\n");
        assert!(CSV_BOM.as_bytes() == b"\xef\xbb\xbf");
    }

    #[test]
    fn r_apply_10_csv_quoting() {
        assert_eq!(csv_line(&["a;b"]), "\"a;b\"\r\n");
        assert_eq!(csv_line(&["dit \"oui\""]), "\"dit \"\"oui\"\"\"\r\n");
        assert_eq!(csv_line(&["ligne 1\nligne 2"]), "\"ligne 1\nligne 2\"\r\n");
        assert_eq!(csv_line(&["a\r\nb", "c"]), "\"a\r\nb\";c\r\n");
        // A comma is no separator here.
        assert_eq!(csv_line(&["Dupont, Marie"]), "Dupont, Marie\r\n");
    }

    #[test]
    fn r_apply_10_csv_formulas_are_neutralised() {
        assert_eq!(csv_line(&["=1+1"]), "'=1+1\r\n");
        assert_eq!(csv_line(&["+33 6 00"]), "'+33 6 00\r\n");
        assert_eq!(csv_line(&["-2"]), "'-2\r\n");
        assert_eq!(csv_line(&["@SUM(A1)"]), "'@SUM(A1)\r\n");
        assert_eq!(csv_line(&["\tx"]), "'\tx\r\n");
        // Prefixed, then quoted for the CR it holds.
        assert_eq!(csv_line(&["\r=x"]), "\"'\r=x\"\r\n");
        assert_eq!(
            csv_line(&["=HYPERLINK(\"http://x\";\"y\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"\r\n"
        );
        // Only at the start.
        assert_eq!(csv_line(&["a=b", "Jean-Marie"]), "a=b;Jean-Marie\r\n");
    }

    /// Reads back one line written by `csv_line` (test oracle: quotes, doubled quotes, `;`).
    fn read_back(line: &str) -> Vec<String> {
        let line = line.strip_suffix("\r\n").unwrap();
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (';', false) => fields.push(String::new()),
                (c, _) => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    proptest! {
        #[test]
        fn csv_fields_read_back(fields in prop::collection::vec(any::<String>(), 1..5)) {
            let line = csv_line(&fields);
            prop_assert!(line.ends_with("\r\n"));
            let expected: Vec<String> = fields
                .iter()
                .map(|f| {
                    if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        format!("'{f}")
                    } else {
                        f.clone()
                    }
                })
                .collect();
            prop_assert_eq!(read_back(&line), expected);
        }

        #[test]
        fn month_parse_never_panics(s in any::<String>()) {
            if let Ok(month) = Month::parse(&s) {
                prop_assert_eq!(Month::parse(&month.as_string()), Ok(month));
                prop_assert!(month.first_day() < month.next_first_day());
            }
        }

        #[test]
        fn message_result_is_trimmed(s in any::<String>()) {
            if let Ok(m) = message(&s) {
                prop_assert_eq!(m.as_str(), s.trim());
            }
        }
    }
}
