//! Normalised text for accent- and case-insensitive search (R-DIR-4): `Saint-Étienne`,
//! `saint etienne` and `ST ETIENNE` all become `saint etienne`.

/// Lowercase, accents removed, punctuation as single spaces, `st`/`ste` expanded.
pub fn normalize(text: &str) -> String {
    let folded: String = text.chars().flat_map(fold_char).collect();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| match word {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One character, lowercased, without its accent (French and common Latin letters).
fn fold_char(c: char) -> Vec<char> {
    let lower: Vec<char> = c.to_lowercase().collect();
    lower
        .into_iter()
        .flat_map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => vec!['a'],
            'æ' => vec!['a', 'e'],
            'ç' => vec!['c'],
            'è' | 'é' | 'ê' | 'ë' => vec!['e'],
            'ì' | 'í' | 'î' | 'ï' => vec!['i'],
            'ñ' => vec!['n'],
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => vec!['o'],
            'œ' => vec!['o', 'e'],
            'ù' | 'ú' | 'û' | 'ü' => vec!['u'],
            'ý' | 'ÿ' => vec!['y'],
            other => vec![other],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn r_dir_4_accents_case_and_punctuation_are_ignored() {
        assert_eq!(normalize("Saint-Étienne"), "saint etienne");
        assert_eq!(normalize("st-etienne"), "saint etienne");
        assert_eq!(normalize("  SAINT   ETIENNE "), "saint etienne");
        assert_eq!(normalize("Évry-Courcouronnes"), "evry courcouronnes");
        assert_eq!(normalize("L'Haÿ-les-Roses"), "l hay les roses");
        assert_eq!(normalize("Sainte-Marie"), "sainte marie");
        assert_eq!(normalize("Ste Marie"), "sainte marie");
        assert_eq!(normalize("Œuilly"), "oeuilly");
    }

    #[test]
    fn words_that_merely_start_with_st_are_kept() {
        assert_eq!(normalize("Strasbourg"), "strasbourg");
    }
}
