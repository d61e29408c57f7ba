//! Names of downloaded files: the exports are named after the log they come from, so that an
//! analyst with several cases open knows which file is which.

use logonscope_core::Report;

/// The stem of the exports of `report`: the name of its only file without `.evtx`, or
/// `logonscope` when it has several or none. File names come from logs and links, so only
/// letters, digits, `.`, `-` and `_` are kept (each other character becomes `_`).
pub fn download_stem(report: &Report) -> String {
    let [file] = report.files.as_slice() else {
        return "logonscope".to_string();
    };
    let name = file.name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = strip_suffix_ignore_case(name, ".evtx");
    let safe: String = stem
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_matches('.');
    if safe.is_empty() {
        "logonscope".to_string()
    } else {
        safe.to_string()
    }
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> &'a str {
    let cut = name.len().saturating_sub(suffix.len());
    match name.get(cut..) {
        Some(end) if end.eq_ignore_ascii_case(suffix) => &name[..cut],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::FileSummary;

    fn report_of(names: &[&str]) -> Report {
        Report {
            files: names
                .iter()
                .map(|name| FileSummary {
                    name: name.to_string(),
                    ..FileSummary::default()
                })
                .collect(),
            ..Report::default()
        }
    }

    #[test]
    fn exports_are_named_after_the_only_log() {
        assert_eq!(
            download_stem(&report_of(&["DC01-Security.EVTX"])),
            "DC01-Security"
        );
        assert_eq!(
            download_stem(&report_of(&["a.evtx", "b.evtx"])),
            "logonscope"
        );
        assert_eq!(download_stem(&report_of(&[])), "logonscope");
    }

    #[test]
    fn hostile_names_become_plain_file_names() {
        assert_eq!(
            download_stem(&report_of(&["../../<script>x.evtx"])),
            "_script_x"
        );
        assert_eq!(download_stem(&report_of(&["..evtx"])), "logonscope");
        assert_eq!(
            download_stem(&report_of(&["C:\\cases\\ws 07.evtx"])),
            "ws_07"
        );
    }
}
