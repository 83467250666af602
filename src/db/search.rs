//! Full-text search, per engine: how "product `p` matches these words" is asked of each
//! engine's index. SQLite has an FTS5 table, PostgreSQL a generated `tsvector` with GIN
//! indexes, MySQL/MariaDB InnoDB `FULLTEXT` indexes in boolean mode.

use super::{dialect::Engine, parts::Bind};

impl Engine {
    /// The condition "product `p` matches every word of `words`" (see
    /// [`Engine::search_query`]), with its query text bound. SQLite asks the FTS5 table;
    /// PostgreSQL a GIN index. For titles PostgreSQL has two conditions: the weight `A` test on
    /// `search_vector` is cheap on each row, so it filters a walk of another index, and the
    /// index on the title alone finds the rows when a title match is rare (the index on
    /// `search_vector` cannot tell title words from description words, so a word common in
    /// descriptions would send each of those rows to be checked).
    ///
    /// `within`: SQLite answers `IN (SELECT rowid … MATCH …)` by gathering every match first (for
    /// a common word in a million products, 50,000 rowids), so for rows of a common table it
    /// gathers only rowids from that table's lowest `seq` on: FTS5 seeks to a rowid bound, and
    /// no row of the table is below it.
    pub(super) fn product_matches(
        self,
        binds: &mut Vec<Bind>,
        words: &[String],
        title_only: bool,
        within: Option<&str>,
    ) -> String {
        let mut param = |value: String| {
            binds.push(Bind::Text(Some(value)));
            format!("${}", binds.len())
        };
        match self {
            Self::Sqlite => {
                let query = param(self.search_query(words, title_only));
                let bound =
                    within.map(|t| format!(" AND rowid >= (SELECT MIN(seq) FROM {t})")).unwrap_or_default();
                format!("p.seq IN (SELECT rowid FROM products_fts WHERE products_fts MATCH {query}{bound})")
            }
            Self::Postgres if title_only => {
                let query = param(self.search_query(words, title_only));
                let any_weight = param(self.search_query(words, false));
                format!(
                    "p.search_vector @@ to_tsquery('english', {query}) \
                     AND to_tsvector('english', p.title) @@ to_tsquery('english', {any_weight})"
                )
            }
            Self::Postgres => {
                let query = param(self.search_query(words, title_only));
                format!("p.search_vector @@ to_tsquery('english', {query})")
            }
            Self::Mysql => mysql_matches(&mut param, words, title_only),
        }
    }

    /// The engine's query text for `words` (letters and digits only, so nothing in them is
    /// syntax): every word must match, as a prefix, after stemming. `title_only` restricts the
    /// match to titles (FTS5 column filter; PostgreSQL weight `A`).
    pub(super) fn search_query(self, words: &[String], title_only: bool) -> String {
        match self {
            Self::Sqlite => {
                let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                let terms = terms.join(" AND ");
                if title_only { format!("{{title}} : ({terms})") } else { terms }
            }
            Self::Postgres => {
                let weight = if title_only { "A" } else { "" };
                let terms: Vec<String> = words.iter().map(|w| format!("{w}:*{weight}")).collect();
                terms.join(" & ")
            }
            // Boolean mode: `+` makes each word required, `*` a prefix. InnoDB does not stem,
            // so the word is cut to its stem here, as PostgreSQL's `english` does (the same
            // Snowball stemmer): "lanterns" finds "lantern". Where the stem is not a prefix of
            // the word ("happy", "happi"), either prefix matches. The title-only query is the
            // same words; the MATCH names the column.
            Self::Mysql => {
                let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
                let terms: Vec<String> = words
                    .iter()
                    .map(|w| {
                        let stem = stemmer.stem(w);
                        if w.starts_with(stem.as_ref()) {
                            format!("+{stem}*")
                        } else {
                            format!("+({w}* {stem}*)")
                        }
                    })
                    .collect();
                terms.join(" ")
            }
        }
    }
}

/// The shortest word InnoDB indexes: `innodb_ft_min_token_size`, 3 unless the server's
/// configuration says otherwise (it is read at startup only; see README).
const MYSQL_MIN_TOKEN: usize = 3;

/// MySQL's condition: the words InnoDB indexes through the FULLTEXT index (its column list must
/// be the MATCH's: one index on the title, one on both); a shorter one, which a required
/// boolean term would make match nothing, as a word start in the text (`\b`, case-insensitive
/// like the columns), which reads every row the other conditions leave.
fn mysql_matches(param: &mut impl FnMut(String) -> String, words: &[String], title_only: bool) -> String {
    let columns = if title_only { "p.title" } else { "p.title, p.description" };
    let (short, long): (Vec<String>, Vec<String>) =
        words.iter().cloned().partition(|w| w.chars().count() < MYSQL_MIN_TOKEN);
    let mut conditions = Vec::new();
    if !long.is_empty() {
        let query = param(Engine::Mysql.search_query(&long, title_only));
        conditions.push(format!("MATCH ({columns}) AGAINST ({query} IN BOOLEAN MODE)"));
    }
    for word in short {
        let start = param(format!("\\b{word}"));
        conditions.push(if title_only {
            format!("p.title REGEXP {start}")
        } else {
            format!("(p.title REGEXP {start} OR p.description REGEXP {start})")
        });
    }
    conditions.join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_queries_per_engine() {
        let words = vec!["blue".to_owned(), "shirt".to_owned()];
        assert_eq!(Engine::Sqlite.search_query(&words, false), "\"blue\"* AND \"shirt\"*");
        assert_eq!(Engine::Sqlite.search_query(&words, true), "{title} : (\"blue\"* AND \"shirt\"*)");
        assert_eq!(Engine::Postgres.search_query(&words, false), "blue:* & shirt:*");
        assert_eq!(Engine::Postgres.search_query(&words, true), "blue:*A & shirt:*A");
        assert_eq!(Engine::Mysql.search_query(&words, false), "+blue* +shirt*");
        let stemmed = vec!["lanterns".to_owned(), "happy".to_owned()];
        assert_eq!(Engine::Mysql.search_query(&stemmed, true), "+lantern* +(happy* happi*)");
    }
}
