//! The company's letter templates: a folder of files (or a team desk's shared ones) over the
//! built-in defaults.
//!
//! The folder holds `company.toml` (who the letters come from, where people complain) and one
//! `<letter>.txt` per [`LetterKind`]; a file that is not there falls back to the default. Files
//! are read at each use, so an edit applies to the next letter without a restart.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::company_files::{self, CompanyFiles};
use crate::domain::letters::fill::{COMPANY_FILE, DEFAULT_COMPANY, Template, default_template};
use crate::domain::letters::{Company, LetterKind};
use crate::files::atomic::{folder_of, write_text_atomically};
use crate::{Case, Customer, Error, Result};

/// The templates folder's name beside the database file.
pub const FOLDER: &str = "letters";

/// The templates in use: a folder's files, or the files a team desk shares, over the
/// built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    BuiltIn,
    Folder(PathBuf),
    /// A team desk's shared files: a template not among them is the built-in one (never a
    /// file of this machine's, so every desktop fills the same letter).
    Shared(Arc<CompanyFiles>),
}

/// What [`Templates::write_defaults`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenTemplates {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Files that were there already and were left as they were.
    pub kept: Vec<PathBuf>,
}

impl Templates {
    /// The built-in defaults only.
    pub fn built_in() -> Templates {
        Templates {
            source: Source::BuiltIn,
        }
    }

    /// A folder's files over the defaults; the folder need not exist.
    pub fn in_folder(folder: impl Into<PathBuf>) -> Templates {
        Templates {
            source: Source::Folder(folder.into()),
        }
    }

    /// The files a team desk shares over the defaults.
    pub fn shared(files: Arc<CompanyFiles>) -> Templates {
        Templates {
            source: Source::Shared(files),
        }
    }

    /// The `letters` folder beside a database file: where a company keeps its templates.
    pub fn beside(database: &Path) -> Templates {
        Templates::in_folder(folder_of(database).join(FOLDER))
    }

    /// The folder, if the templates are a folder's.
    pub fn folder(&self) -> Option<&Path> {
        match &self.source {
            Source::Folder(folder) => Some(folder),
            Source::BuiltIn | Source::Shared(_) => None,
        }
    }

    /// The company's own text for the file `name` of the templates folder, with where it came
    /// from as a person reads it; `None` when the company has none.
    fn read_override(&self, name: &str) -> Result<Option<(String, String)>> {
        match &self.source {
            Source::BuiltIn => Ok(None),
            Source::Shared(files) => {
                let shared = format!("{}/{name}", company_files::LETTERS);
                Ok(files
                    .get(&shared)
                    .map(|text| (format!("the team's {shared}"), text.to_string())))
            }
            Source::Folder(folder) => {
                let path = folder.join(name);
                match fs::read_to_string(&path) {
                    Ok(text) => Ok(Some((path.display().to_string(), text))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
                }
            }
        }
    }

    /// The company settings: the folder's `company.toml` over the defaults.
    pub fn company(&self) -> Result<Company> {
        let base = Company::default_settings();
        match self.read_override(COMPANY_FILE)? {
            Some((from, text)) => Company::parse_over(base, &text, Path::new(&from)),
            None => Ok(base),
        }
    }

    /// The template for `kind`, and the company's file it was read from as a person reads it
    /// (`None`: built in).
    pub fn template(&self, kind: LetterKind) -> Result<(Template, Option<String>)> {
        let name = format!("{}.txt", kind.as_str());
        Ok(match self.read_override(&name)? {
            Some((from, source)) => (
                Template {
                    name: from.clone(),
                    source,
                },
                Some(from),
            ),
            None => (Template::built_in(kind), None),
        })
    }

    /// Fills the template for `kind` from `case` on `today`, without customer settings.
    pub fn fill(&self, kind: LetterKind, case: &Case, today: NaiveDate) -> Result<String> {
        self.fill_for(kind, case, None, today)
    }

    /// Fills the template for `kind` from `case` and its customer's settings on `today`.
    pub fn fill_for(
        &self,
        kind: LetterKind,
        case: &Case,
        customer: Option<&Customer>,
        today: NaiveDate,
    ) -> Result<String> {
        let company = self.company()?;
        self.template(kind)?.0.fill(case, &company, customer, today)
    }

    /// Writes the defaults into the folder for the company to edit, keeping any file already
    /// there.
    pub fn write_defaults(&self) -> Result<WrittenTemplates> {
        let folder = self
            .folder()
            .ok_or_else(|| Error::invalid("no folder given for the letter templates"))?;
        fs::create_dir_all(folder)
            .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
        let mut files: Vec<(String, &str)> = vec![(COMPANY_FILE.to_string(), DEFAULT_COMPANY)];
        files.extend(
            LetterKind::ALL
                .iter()
                .map(|&k| (format!("{}.txt", k.as_str()), default_template(k))),
        );
        let mut out = WrittenTemplates {
            written: Vec::new(),
            kept: Vec::new(),
        };
        for (name, text) in files {
            let path = folder.join(name);
            if path.exists() {
                out.kept.push(path);
                continue;
            }
            write_text_atomically(&path, text)?;
            out.written.push(path);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::letters::tests::{day, ready_for};

    #[test]
    fn a_companys_files_replace_the_defaults_and_bad_ones_are_named() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let templates = Templates::in_folder(dir.path());
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"))
        };
        write(
            "company.toml",
            "name = \"Acme Cloud\"\nsignature = \"Acme's privacy desk\"\n\
             [authorities.uk_gdpr]\nname = \"the ICO\"\n",
        );
        write(
            "denial.txt",
            "To: {{ requester.email }}\n\n{{ company.signature }} / {{ authority.name }} / {{ company.contact }}\n",
        );
        let case = ready_for(LetterKind::Denial);
        let text = templates.fill(LetterKind::Denial, &case, day("2026-06-02"))?;
        assert_eq!(
            text,
            "To: ana@example.com\n\nAcme's privacy desk / the ICO / support@workoptima.com\n"
        );

        write("denial.txt", "Dear {{ requester.nmae }},\n");
        let why = templates
            .fill(LetterKind::Denial, &case, day("2026-06-02"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(why.contains("denial.txt: line 1:"), "{why}");
        write("denial.txt", "{% for x in removed %}\n");
        assert!(
            templates
                .fill(LetterKind::Denial, &case, day("2026-06-02"))
                .is_err()
        );
        write(
            "denial.txt",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
        let why = templates
            .fill(LetterKind::Denial, &case, day("2026-06-02"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(why.contains("denial.txt"), "{why}");

        write("company.toml", "[authorities.mars]\nname = \"x\"\n");
        let why = templates
            .company()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            why.contains("[authorities.mars] is not a jurisdiction"),
            "{why}"
        );
        write("company.toml", "nmae = \"typo\"\n");
        let why = templates
            .company()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            why.contains("company.toml") && why.contains("nmae"),
            "{why}"
        );
        Ok(())
    }

    #[test]
    fn the_defaults_are_written_out_once_and_edits_are_kept() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let folder = dir.path().join("letters");
        let templates = Templates::in_folder(&folder);
        let first = templates.write_defaults()?;
        assert_eq!(first.written.len(), LetterKind::ALL.len() + 1);
        std::fs::write(folder.join("denial.txt"), "edited").map_err(|e| Error::io("write", e))?;
        let second = templates.write_defaults()?;
        assert!(second.written.is_empty());
        assert_eq!(second.kept.len(), LetterKind::ALL.len() + 1);
        assert_eq!(
            std::fs::read_to_string(folder.join("denial.txt")).unwrap_or_default(),
            "edited"
        );
        // The written defaults fill exactly as the built-in ones.
        let case = ready_for(LetterKind::RemovalAnswer);
        assert_eq!(
            templates.fill(LetterKind::RemovalAnswer, &case, day("2026-06-02"))?,
            Templates::built_in().fill(LetterKind::RemovalAnswer, &case, day("2026-06-02"))?
        );
        assert_eq!(templates.company()?, Company::default_settings());
        Ok(())
    }
}
