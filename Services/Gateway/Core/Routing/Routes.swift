import Foundation
import TongxinService

/// `TONGXIN_GATEWAY_ROUTES`: where each service's instances are,
/// `membership=127.0.0.1:7101|127.0.0.1:7111,agenda=127.0.0.1:7102` (services by their
/// name, instances separated by `|`).
public enum Routes {
    public static func parse(_ text: String) throws -> [String: [(host: String, port: Int)]] {
        var routes: [String: [(host: String, port: Int)]] = [:]
        for entry in text.split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { throw invalid }
            for address in pair[1].split(separator: "|") {
                let parts = address.split(separator: ":")
                guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { throw invalid }
                routes[pair[0], default: []].append((String(parts[0]), port))
            }
        }
        return routes
    }

    static let invalid = ConfigurationError(
        variable: "TONGXIN_GATEWAY_ROUTES", problem: "must be service=host:port[|host:port…][,service=…]")
}
