import Foundation

/// A compiled Jinja2 template (the subset chat templates use; docs/chat-templates.md lists it), configured
/// as transformers configures Jinja2 for chat templates: `trim_blocks`, `lstrip_blocks`, loop controls,
/// transformers' `tojson`, `raise_exception` and `strftime_now`.
///
/// ```swift
/// let template = try Template(source: "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}")
/// let text = try template.render(["messages": [["role": "user", "content": "Hi"]]])   // "user: Hi\n"
/// ```
///
/// Undefined variables behave as Jinja2's default `Undefined`: empty when printed, false in tests and
/// conditions, empty when iterated, an error when used as an object (attribute, item, call, arithmetic).
/// A template is immutable once compiled and may be rendered from several threads at once.
public struct Template: @unchecked Sendable {
    /// The source text the template was compiled from.
    public let source: String
    private let body: [Statement]

    /// Compiles `source`.
    /// - Throws: `TemplateError.syntax` with the line and column of the problem: an unclosed tag, block,
    ///   comment or string, an unexpected token, an unsupported tag (`include`, `extends`, `call`, ...),
    ///   an unknown filter or test, nesting deeper than 128 levels.
    public init(source: String) throws {
        self.source = source
        body = try Parser.parse(source)
    }

    /// Renders the template with `context` as its variables.
    /// - Parameter now: the time `strftime_now` formats (in the current time zone).
    /// - Throws: `TemplateError.raised` when the template calls `raise_exception(message)`;
    ///   `TemplateError.render` with the line and column for what Jinja2 would raise at run time (an
    ///   attribute of an undefined value, a wrong type, a division by zero) and for the limits: macro
    ///   recursion deeper than 64 calls, more than 100,000 loop iterations, output or a built string
    ///   longer than 32 MiB (a list longer than 32 Mi items), `range` longer than 100,000 items, a
    ///   namespace attribute nested deeper than 256 levels.
    public func render(_ context: [String: TemplateValue], now: Date = Date()) throws -> String {
        let renderer = Renderer(context: context.mapValues(Value.init), now: { now })
        return try renderer.render(body)
    }
}
