import TongxinSchemas

/// What a failed call broke, in a form programs can use without parsing the status
/// message: the stable rule id, the request field at fault, the explanation in Chinese and
/// English, and the figures behind the refusal.
///
/// Travels as `tongxin.rpc.v1.ErrorDetail` in the RESPONSE frame of a failed call
/// (`Frame.error_detail`), and arrives as ``RPCError/detail`` on the client. Empty strings
/// mean "not applicable". Never attached to INTERNAL errors, whose details stay in the
/// server's log.
public struct ErrorDetail: Sendable, Hashable, CustomStringConvertible {
    /// One named figure, e.g. `composition.non_party_share.count` = `9`.
    public struct Figure: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The dotted id of the broken rule (several, comma-separated, when one refusal names
    /// several rules).
    public var rule: String
    /// The request field at fault, in the wire (snake_case) spelling.
    public var field: String
    public var messageZH: String
    public var messageEN: String
    public var figures: [Figure]

    public init(rule: String = "", field: String = "", messageZH: String = "", messageEN: String = "", figures: [Figure] = []) {
        self.rule = rule
        self.field = field
        self.messageZH = messageZH
        self.messageEN = messageEN
        self.figures = figures
    }

    /// The value of the figure named `name`, if there is one.
    public func figure(_ name: String) -> String? {
        self.figures.first { $0.name == name }?.value
    }

    /// The rule ids, when several rules are named.
    public var rules: [String] {
        self.rule.split(separator: ",").map(String.init)
    }

    public var description: String {
        var parts: [String] = []
        if !self.rule.isEmpty { parts.append("rule=\(self.rule)") }
        if !self.field.isEmpty { parts.append("field=\(self.field)") }
        parts += self.figures.map { "\($0.name)=\($0.value)" }
        return parts.joined(separator: " ")
    }
}

extension ErrorDetail {
    init(wire detail: RpcV1.ErrorDetail) {
        self.init(
            rule: detail.rule, field: detail.field, messageZH: detail.messageZh, messageEN: detail.messageEn,
            figures: detail.figures.map { Figure($0.name, $0.value) })
    }

    var wire: RpcV1.ErrorDetail {
        RpcV1.ErrorDetail(
            rule: self.rule, field: self.field, messageZh: self.messageZH, messageEn: self.messageEN,
            figures: self.figures.map { RpcV1.Figure(name: $0.name, value: $0.value) })
    }
}
