//! The command line, with kubectl's conventions for `-f`, `-R`, `-k`, `-n`, `-A`, `--context`.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
pub use realip_lint_core::emit::Format;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl realip-lint",
    bin_name = "kubectl realip-lint",
    version,
    about = "Find where Kubernetes manifests lose the client's source IP, and how to fix it",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule: name, default severity, one line
    Rules {
        #[arg(short = 'o', long = "output", value_enum, default_value_t = ListFormat::Human)]
        output: ListFormat,
    },
    /// For every entry point, where the client IP survives or dies on its way to the pods
    Trace(Box<LintArgs>),
    /// Compare the client address before and after a migration (OLD → NEW), per hostname
    Migrate(Box<MigrateArgs>),
    /// Print a rule's manual
    Explain {
        /// The rule's name, as `rules` lists it
        rule: String,
    },
    /// Run the language server for editors, on standard input and output
    Lsp {
        /// Accepted for the editors that always pass it: standard input and output is the only transport
        #[arg(long = "stdio")]
        stdio: bool,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// File, directory, or `-` for standard input (repeatable; also comma-separated)
    #[arg(short = 'f', long = "filename", value_name = "PATH", value_delimiter = ',')]
    pub filename: Vec<String>,
    /// More files or directories, as with -f (what pre-commit passes)
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// Process the directories given with -f recursively
    #[arg(short = 'R', long = "recursive")]
    pub recursive: bool,
    /// Walk directories without honouring `.gitignore`/`.ignore` and without skipping `node_modules`, `target` and virtual environments
    #[arg(long = "no-ignore")]
    pub no_ignore: bool,
    /// Lint what `kubectl kustomize DIR` renders (repeatable; combines with -f)
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Vec<String>,
    /// Lint the live objects of the cluster, read with `kubectl get -o json` (kubeconfig, contexts and auth as in kubectl)
    #[arg(long = "cluster", conflicts_with_all = ["filename", "files", "kustomize"])]
    pub cluster: bool,
    /// With --cluster: the kubeconfig context to use
    #[arg(long = "context", value_name = "NAME")]
    pub context: Option<String>,
    /// With --cluster: the kubeconfig file to use
    #[arg(long = "kubeconfig", value_name = "FILE")]
    pub kubeconfig: Option<String>,
    /// With --cluster: read every namespace
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,
    /// The namespace of objects that name none; with --cluster, the namespace to read
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The file name to report for standard input
    #[arg(long = "stdin-filename", value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Eligible nodes in the cluster, when the input has no Node objects (wins over the config file)
    #[arg(long = "nodes", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub nodes: Option<u32>,

    /// The load-balancer provider a plain `type: LoadBalancer` gets (wins over the config file's `cloud:`)
    #[arg(long = "cloud", value_name = "NAME")]
    pub cloud: Option<String>,
    /// The config file (default: `.realip-lint.yaml` in the working directory or above)
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Output format (the last one given wins: the pre-commit hook's `-o concise` yields to a user's `-o json`)
    #[arg(short = 'o', long = "output", value_parser = formats(), default_value = Format::Human.name(), overrides_with = "output")]
    pub output: Format,
    /// Threads that read and parse files [default: the available cores]
    #[arg(long = "threads", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Exit 1 when a finding is at or above this level [default: warning, or the config file's]
    #[arg(long = "fail-on", value_enum)]
    pub fail_on: Option<FailOn>,
    /// Report only findings not listed in FILE; when FILE does not exist, write the current findings to it
    #[arg(long = "baseline", value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    /// Rewrite the --baseline file with the current findings (keeping the entries' `expires`)
    #[arg(long = "update-baseline", requires = "baseline")]
    pub update_baseline: bool,
    /// Apply the safe fixes to the files (each rewritten only when it changes), then report what is left
    #[arg(long = "fix", conflicts_with_all = ["diff", "baseline"])]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of the report; exit 1 when there is one
    #[arg(long = "diff", conflicts_with = "baseline")]
    pub diff: bool,
    /// With --fix or --diff: also the fixes that change behaviour on purpose
    #[arg(long = "unsafe-fixes")]
    pub unsafe_fixes: bool,
}

/// `migrate`: two sides, each read as `-f` and `-k` read (`-R` and `--no-ignore` apply to both).
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// OLD: file, directory, or `-` for standard input (repeatable; also comma-separated)
    #[arg(long = "before", value_name = "PATH", value_delimiter = ',', required_unless_present = "before_kustomize")]
    pub before: Vec<String>,
    /// NEW: file, directory, or `-` for standard input (repeatable; also comma-separated)
    #[arg(long = "after", value_name = "PATH", value_delimiter = ',', required_unless_present = "after_kustomize")]
    pub after: Vec<String>,
    /// OLD: what `kubectl kustomize DIR` renders (repeatable; combines with --before)
    #[arg(long = "before-kustomize", value_name = "DIR")]
    pub before_kustomize: Vec<String>,
    /// NEW: what `kubectl kustomize DIR` renders (repeatable; combines with --after)
    #[arg(long = "after-kustomize", value_name = "DIR")]
    pub after_kustomize: Vec<String>,
    /// Process the directories of --before and --after recursively
    #[arg(short = 'R', long = "recursive")]
    pub recursive: bool,
    /// Walk directories without honouring `.gitignore`/`.ignore`
    #[arg(long = "no-ignore")]
    pub no_ignore: bool,
    /// The namespace of objects that name none
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Eligible nodes in the cluster, when the input has no Node objects (wins over the config file)
    #[arg(long = "nodes", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub nodes: Option<u32>,
    /// The load-balancer provider a plain `type: LoadBalancer` gets (wins over the config file's `cloud:`)
    #[arg(long = "cloud", value_name = "NAME")]
    pub cloud: Option<String>,
    /// The config file (default: `.realip-lint.yaml` in the working directory or above)
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Output format: `human` (Markdown, for a review comment), `json` (docs/migrate.md), `sarif` or `github` (annotations on the NEW files)
    #[arg(short = 'o', long = "output", value_enum, default_value_t = MigrateFormat::Human)]
    pub output: MigrateFormat,
    /// Exit 1 at this level: `error` for an outage (broken), `warning` also for a lost or newly forgeable address, `info` for any change [default: warning, or the config file's]
    #[arg(long = "fail-on", value_enum)]
    pub fail_on: Option<FailOn>,
}

/// `-o`'s values: the core's formats, by the names the Wasm module takes too.
fn formats() -> impl TypedValueParser<Value = Format> {
    let values = Format::ALL.map(|f| PossibleValue::new(f.name()).help(f.about()));
    PossibleValuesParser::new(values).map(|name| Format::parse(&name).unwrap_or(Format::Human))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl From<FailOn> for realip_lint_core::config::FailOn {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Error => Self::Error,
            FailOn::Warning => Self::Warning,
            FailOn::Info => Self::Info,
            FailOn::Never => Self::Never,
        }
    }
}
