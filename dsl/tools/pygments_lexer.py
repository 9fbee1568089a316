"""A Pygments lexer for `.pipe` files (names `pipe`, `pipedsl`; files `*.pipe`), registered
under the `pygments.lexers` entry point, so Sphinx, MkDocs and anything else that uses
Pygments highlights `.pipe` code blocks."""
from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

__all__ = ["PipeLexer"]


class PipeLexer(RegexLexer):
    name = "pipedsl"
    aliases = ["pipe", "pipedsl"]
    filenames = ["*.pipe"]
    mimetypes = ["text/x-pipedsl"]
    url = "https://pypi.org/project/pipedsl/"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"##[^\n]*", String.Doc),
            (r"#[^\n]*", Comment.Single),
            (r"(step)(\s+)([A-Za-z_][\w-]*)(\s*)(:)(\s*)([A-Za-z_]\w*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Function, Whitespace, Punctuation, Whitespace,
                      Name.Class)),
            (r"(pipeline|let|var|param|template)(\s+)([A-Za-z_][\w-]*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (words(("experiment", "input", "output", "property_file", "retry", "when", "none"), suffix=r"\b"),
             Keyword),
            (words(("for", "if", "else", "import"), suffix=r"\b"), Keyword),
            (words(("and", "or", "not", "in"), suffix=r"\b"), Operator.Word),
            (words(("true", "false", "null"), suffix=r"\b"), Keyword.Constant),
            (words(("String", "Integer", "Float", "Boolean"), suffix=r"\b"), Keyword.Type),
            (r'"', String.Double, "string"),
            (r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", Number),
            (r"(join|json_get)(?=\s*\()", Name.Builtin),
            (r"(Execution|PipelineExperimentConfig)\b", Name.Builtin),
            (r"[A-Za-z_][\w-]*(?=\s*=(?!=))", Name.Attribute),
            (r"[A-Za-z_][\w-]*", Name),
            (r"==|!=|>=|<=|>|<|=", Operator),
            (r"[{}\[\](),:.]", Punctuation),
            (r".", Text),  # anything else is shown as it is, never as an error
        ],
        "string": [
            (r'\\(["\\/bfnrt$]|u[0-9a-fA-F]{4})', String.Escape),
            (r"\$\{", String.Interpol, "interpolation"),
            (r'[^"\\$\n]+', String.Double),
            (r"\$", String.Double),
            (r"\\.", String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", String.Double, "#pop"),  # an unterminated string ends at the line
        ],
        "interpolation": [
            (r"\}", String.Interpol, "#pop"),
            include("root"),
        ],
    }
