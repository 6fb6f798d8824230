/// An expression of the template, with where it starts in the source (for error messages).
struct Expression {
    indirect enum Kind {
        case literal(TemplateValue)
        case name(String)
        case list([Expression])
        case tuple([Expression])
        case dictionary([(key: Expression, value: Expression)])
        /// `a.b`: an attribute (a method of the value's type) or else a dictionary key.
        case attribute(Expression, String)
        /// `a[b]`: a key or index first, then an attribute.
        case item(Expression, Expression)
        case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
        case call(Expression, Arguments)
        case filter(Expression, name: String, Arguments)
        case test(Expression, name: String, negated: Bool, Arguments)
        /// `-`, `+`, `not`
        case unary(String, Expression)
        /// arithmetic, `~`, comparisons, `in`, `not in`, `and`, `or`
        case binary(String, Expression, Expression)
        /// `a if condition else b`; without `else` the result is undefined when the condition is false.
        case conditional(condition: Expression, then: Expression, otherwise: Expression?)
    }

    let kind: Kind
    let location: SourceLocation
}

/// Positional and keyword arguments of a call, filter or test.
struct Arguments {
    var positional: [Expression] = []
    var keyword: [(name: String, value: Expression)] = []
}

/// A statement of the template body.
indirect enum Statement {
    case text(String)
    case output(Expression)
    case ifChain(branches: [(condition: Expression, body: [Statement])], otherwise: [Statement])
    case forLoop(ForLoop)
    case set(SetTarget, Expression)
    /// `{% set name %}...{% endset %}`: the rendered body as a string.
    case setBlock(name: String, body: [Statement])
    case macro(MacroDefinition)
    case loopControl(isBreak: Bool, location: SourceLocation)
    /// transformers' `{% generation %}...{% endgeneration %}` (assistant-mask tracking): renders its body.
    case generation([Statement])
}

struct ForLoop {
    /// One name, or several to unpack each item (`for key, value in d.items()`).
    let targets: [String]
    let iterable: Expression
    /// `for x in xs if condition`: items failing the condition are skipped (and not counted by `loop`).
    let filter: Expression?
    let body: [Statement]
    /// Rendered when no item was iterated.
    let otherwise: [Statement]
    let location: SourceLocation
}

enum SetTarget {
    case name(String)
    case names([String])
    /// `ns.attribute = value` on a `namespace()`.
    case attribute(object: String, attribute: String)
}

/// `{% macro name(a, b=default) %}...{% endmacro %}`.
final class MacroDefinition {
    let name: String
    let parameters: [(name: String, defaultValue: Expression?)]
    let body: [Statement]
    let location: SourceLocation

    init(name: String, parameters: [(name: String, defaultValue: Expression?)], body: [Statement],
         location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.location = location
    }
}
