import Foundation
import GatewayRules
import Synchronization
import TongxinRPC

/// Per-tenant (per-town) limits: one ``TenantBudget`` per town, under a lock. A call over
/// either limit is answered RESOURCE_EXHAUSTED with the retry hint in the message and in
/// the error detail (`retry_after_ms`), before anything is forwarded.
public final class TenantLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    public let maxInFlight: Int
    private let budgets = Mutex<[String: TenantBudget]>([:])

    public init(rate: Double, burst: Double, maxInFlight: Int) {
        self.rate = rate
        self.burst = burst
        self.maxInFlight = maxInFlight
    }

    /// Runs `body` within `tenant`'s budget.
    public func within<T: Sendable>(_ tenant: String, _ body: () async throws -> T) async throws -> T {
        let seconds = Self.epoch.duration(to: .now).seconds
        let refusal = budgets.withLock { budgets -> TenantBudget.Refusal? in
            var budget = budgets[tenant] ?? TenantBudget(rate: rate, burst: burst, maxInFlight: maxInFlight, now: seconds)
            let refusal = budget.admit(now: seconds)
            budgets[tenant] = budget
            return refusal
        }
        if let refusal {
            let (what, after): (String, Double) = switch refusal {
            case .rate(let after): ("rate", after)
            case .inFlight(let after): ("calls in flight", after)
            }
            let milliseconds = max(1, Int((after * 1000).rounded(.up)))
            throw RPCError(
                code: .resourceExhausted,
                message: "the \(what) limit of \(tenant) is reached; retry after \(milliseconds) ms / 本单位请求过多，请 \(milliseconds) 毫秒后重试",
                detail: ErrorDetail(rule: "gateway.tenant_limit", messageZH: "本单位请求过多", messageEN: "the tenant's \(what) limit is reached",
                                    figures: [.init("retry_after_ms", "\(milliseconds)")]))
        }
        defer { budgets.withLock { $0[tenant]?.finish() } }
        return try await body()
    }

    static let epoch = ContinuousClock.now
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
