import NIOConcurrencyHelpers

/// Counters and latency histograms in Prometheus text exposition format.
///
/// Deliberately small (no swift-metrics backend): a service has a handful of series —
/// calls by method and status code, call latency, pool and outbox gauges — and the
/// on-call engineer reads them at `/metrics`.
public final class MetricsRegistry: Sendable {
    /// Latency buckets in seconds, from 100 µs to 10 s.
    public static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10]

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String: String]
    }

    private struct Histogram {
        var buckets: [Int]
        var count = 0
        var sum = 0.0
    }

    private struct State {
        var help: [String: (type: String, text: String)] = [:]
        var counters: [SeriesKey: Double] = [:]
        var gauges: [SeriesKey: Double] = [:]
        var histograms: [SeriesKey: Histogram] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func describe(_ name: String, type: String, help: String) {
        state.withLockedValue { $0.help[name] = (type, help) }
    }

    public func increment(_ name: String, labels: [String: String] = [:], by value: Double = 1) {
        state.withLockedValue { $0.counters[SeriesKey(name: name, labels: labels), default: 0] += value }
    }

    public func set(_ name: String, labels: [String: String] = [:], to value: Double) {
        state.withLockedValue { $0.gauges[SeriesKey(name: name, labels: labels)] = value }
    }

    public func observe(_ name: String, labels: [String: String] = [:], seconds: Double) {
        state.withLockedValue { state in
            let key = SeriesKey(name: name, labels: labels)
            var histogram = state.histograms[key] ?? Histogram(buckets: Array(repeating: 0, count: Self.latencyBuckets.count))
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound {
                histogram.buckets[index] += 1
            }
            histogram.count += 1
            histogram.sum += seconds
            state.histograms[key] = histogram
        }
    }

    /// The value of a counter (for tests and health checks).
    public func counter(_ name: String, labels: [String: String] = [:]) -> Double {
        state.withLockedValue { $0.counters[SeriesKey(name: name, labels: labels)] ?? 0 }
    }

    /// Everything, in Prometheus text format 0.0.4.
    public func render() -> String {
        let snapshot = state.withLockedValue { $0 }
        var out = ""
        var described = Set<String>()
        func header(_ name: String, _ fallbackType: String) {
            guard described.insert(name).inserted else { return }
            let help = snapshot.help[name]
            out += "# HELP \(name) \(help?.text ?? name)\n# TYPE \(name) \(help?.type ?? fallbackType)\n"
        }
        for (key, value) in snapshot.counters.sorted(by: { Self.order($0.key, $1.key) }) {
            header(key.name, "counter")
            out += "\(key.name)\(Self.labels(key.labels)) \(Self.number(value))\n"
        }
        for (key, value) in snapshot.gauges.sorted(by: { Self.order($0.key, $1.key) }) {
            header(key.name, "gauge")
            out += "\(key.name)\(Self.labels(key.labels)) \(Self.number(value))\n"
        }
        for (key, histogram) in snapshot.histograms.sorted(by: { Self.order($0.key, $1.key) }) {
            header(key.name, "histogram")
            for (index, bound) in Self.latencyBuckets.enumerated() {
                var labels = key.labels
                labels["le"] = Self.number(bound)
                out += "\(key.name)_bucket\(Self.labels(labels)) \(histogram.buckets[index])\n"
            }
            var labels = key.labels
            labels["le"] = "+Inf"
            out += "\(key.name)_bucket\(Self.labels(labels)) \(histogram.count)\n"
            out += "\(key.name)_sum\(Self.labels(key.labels)) \(Self.number(histogram.sum))\n"
            out += "\(key.name)_count\(Self.labels(key.labels)) \(histogram.count)\n"
        }
        return out
    }

    private static func order(_ a: SeriesKey, _ b: SeriesKey) -> Bool {
        a.name != b.name ? a.name < b.name : labels(a.labels) < labels(b.labels)
    }

    static func labels(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let body = labels.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
