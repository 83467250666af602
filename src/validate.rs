//! Collecting every invalid field of a request at once, so a client fixes them in one round.

use crate::error::{ApiError, FieldError};

#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the parsed value, or records why `field` is invalid.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError { field: field.to_owned(), message });
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }
}

/// Trims and checks the length in characters (not bytes).
pub fn text(value: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        Err(if min == 1 { "must not be empty".into() } else { format!("must be at least {min} characters") })
    } else if chars > max {
        Err(format!("must be at most {max} characters"))
    } else if trimmed.chars().any(char::is_control) {
        Err("must not contain control characters".into())
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Like [`text`], but keeps line breaks and tabs: for descriptions.
pub fn long_text(value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Err("must not contain control characters other than line breaks and tabs".into())
    } else {
        Ok(trimmed.to_owned())
    }
}

/// At most `max` items: a request can never make a response unbounded.
pub fn at_most<T>(items: &[T], max: usize) -> Result<(), String> {
    if items.len() > max { Err(format!("must have at most {max} items")) } else { Ok(()) }
}

/// ISO 3166-1 alpha-2, any case in, upper case out.
pub fn country(value: &str) -> Result<String, String> {
    const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR \
        BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES \
        ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN \
        IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG \
        MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL \
        PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF \
        TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
    let code = value.trim().to_ascii_uppercase();
    if code.len() == 2 && CODES.split_whitespace().any(|c| c == code) {
        Ok(code)
    } else {
        Err("must be an ISO 3166-1 alpha-2 country code such as US or DE".into())
    }
}

/// A province, state or other subdivision of a country: the part after the dash of its
/// ISO 3166-2 code (`CA` for US-CA, `ON` for CA-ON, `BY` for DE-BY), any case in, upper case out.
pub fn province(value: &str) -> Result<String, String> {
    let code = value.trim().to_ascii_uppercase();
    if (1..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(code)
    } else {
        Err("must be the subdivision part of an ISO 3166-2 code (1 to 3 letters or digits, such as CA for US-CA)".into())
    }
}
