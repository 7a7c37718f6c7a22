//! gate's fact producers, each named after its fact namespace and plan section. This is the one
//! place that names them: code that handles producers matches on [`Producer`] without a catch-all
//! arm, so a new producer cannot be forgotten anywhere — the compiler lists every place it is
//! missing.

/// One of gate's fact producers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Producer {
    Licenses,
    Source,
    Load,
    Security,
    Tests,
    Config,
    Data,
    Monitoring,
    Release,
    Approvals,
    Build,
    Artifact,
}

impl Producer {
    /// Every producer, in the order fact collection runs them.
    pub const ALL: [Producer; 12] = [
        Producer::Licenses,
        Producer::Source,
        Producer::Load,
        Producer::Security,
        Producer::Tests,
        Producer::Config,
        Producer::Data,
        Producer::Monitoring,
        Producer::Release,
        Producer::Approvals,
        Producer::Build,
        Producer::Artifact,
    ];

    /// The names of [`Producer::ALL`], in its order: the list a "did you mean" chooses from.
    pub const NAMES: [&'static str; 12] = {
        let mut names = [""; 12];
        let mut i = 0;
        while i < names.len() {
            names[i] = Producer::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The producer's name: its fact namespace and its plan section.
    pub const fn name(self) -> &'static str {
        match self {
            Producer::Licenses => "licenses",
            Producer::Source => "source",
            Producer::Load => "load",
            Producer::Security => "security",
            Producer::Tests => "tests",
            Producer::Config => "config",
            Producer::Data => "data",
            Producer::Monitoring => "monitoring",
            Producer::Release => "release",
            Producer::Approvals => "approvals",
            Producer::Build => "build",
            Producer::Artifact => "artifact",
        }
    }

    /// The producer named `name`, if there is one.
    pub fn parse(name: &str) -> Option<Producer> {
        Producer::ALL.into_iter().find(|p| p.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_producers_correspond_one_to_one() {
        for (p, name) in Producer::ALL.into_iter().zip(Producer::NAMES) {
            assert_eq!(p.name(), name);
            assert_eq!(Producer::parse(name), Some(p));
        }
        let distinct: std::collections::BTreeSet<_> = Producer::ALL.into_iter().collect();
        assert_eq!(distinct.len(), Producer::ALL.len());
        assert_eq!(Producer::parse("clock"), None);
        assert_eq!(Producer::parse("Load"), None);
    }
}
