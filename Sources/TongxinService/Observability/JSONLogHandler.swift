import Foundation
import Logging

/// One JSON object per line on stderr: what log shippers expect, with the call's trace id
/// (logger metadata "trace-id") as a field so an on-call engineer can follow one call.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let service: String

    public init(label: String, service: String) {
        self.label = label
        self.service = service
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "ts": Self.timestamp(),
            "level": event.level.rawValue,
            "service": service,
            "logger": label,
            "msg": event.message.description,
        ]
        for (key, value) in metadata { fields[key] = value.description }
        for (key, value) in event.metadata ?? [:] { fields[key] = value.description }
        if event.level >= .warning { fields["source"] = "\(event.file):\(event.line)" }
        let line = Self.encode(fields) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().timeZone(separator: .omitted).time(includingFractionalSeconds: true))
    }

    /// Stable key order (ts, level, msg first), JSON string escaping.
    static func encode(_ fields: [String: String]) -> String {
        let first = ["ts", "level", "service", "msg"]
        let keys = first.filter { fields[$0] != nil } + fields.keys.filter { !first.contains($0) }.sorted()
        return "{" + keys.map { "\(quote($0)):\(quote(fields[$0]!))" }.joined(separator: ",") + "}"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Installs the process-wide log handler once.
public enum LogBootstrap {
    public static func bootstrap(service: String, level: Logger.Level, format: ServiceConfiguration.LogFormat) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json
                ? JSONLogHandler(label: label, service: service)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
