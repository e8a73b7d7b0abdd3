//! What the import found and settled, one fact per finding, for the report (`schema/IMPORT.md`)
//! and for anyone reading a [`crate::Release`].

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A definition (and the resource of the same name, for a tag), by its Swagger name.
    Def(String),
    /// A page file.
    Page(String),
    /// The release as a whole.
    Release,
}

/// The kind of a finding: the report groups and counts by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// A `format` that is not a type, and what it was read as.
    Format,
    /// A property without type or `$ref`.
    Typeless,
    /// A `$ref` or item naming the containing definition.
    SelfRef,
    /// An enum dropped or trimmed (placeholder, empty value, boolean).
    Enum,
    /// A `?` property and its twin.
    Twin,
    /// The Swagger and the page disagree; how it was settled.
    Conflict,
    /// A page row that cannot be read without guessing.
    Unreadable,
    /// A page cell read in a way worth saying (`yes*`), or not read (allowed values in prose).
    Cell,
    /// A page row naming no element of the definition.
    PageRow,
    /// An action name that needed a tie-break, or a page's action cell not used.
    Name,
    /// A GET answered as a file.
    Download,
    /// A GET declared as one object, answered as a list.
    ListAnswer,
    /// Module clashes and the like.
    Module,
    /// How a page was mapped.
    Mapping,
}

/// One fact the import settled or could not settle, in the importer's own words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub subject: Subject,
    pub topic: Topic,
    pub text: String,
}

/// The findings of one import, in the order they were made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub(crate) fn def(&mut self, def: &str, topic: Topic, text: impl Into<String>) {
        self.0.push(Finding {
            subject: Subject::Def(def.to_owned()),
            topic,
            text: text.into(),
        });
    }

    pub(crate) fn page(&mut self, page: &str, topic: Topic, text: impl Into<String>) {
        self.0.push(Finding {
            subject: Subject::Page(page.to_owned()),
            topic,
            text: text.into(),
        });
    }

    /// The findings about one subject, sorted.
    pub fn about(&self, subject: &Subject) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.0.iter().filter(|f| &f.subject == subject).collect();
        v.sort();
        v
    }

    /// How many findings of a topic.
    pub fn count(&self, topic: Topic) -> usize {
        self.0.iter().filter(|f| f.topic == topic).count()
    }
}

/// Counts of (what the source says, what the import made of it), for the report's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally(pub std::collections::BTreeMap<(String, String), usize>);

impl Tally {
    pub(crate) fn add(&mut self, source: impl Into<String>, read_as: impl Into<String>) {
        *self.0.entry((source.into(), read_as.into())).or_default() += 1;
    }
}
